"""gunicorn's settings for `gunicorn wsgi:app` (read from the working directory).

The request line may be as long as gunicorn allows (8190 bytes, its default being 4094), so
that a long query string reaches the app and gets its problem document (422, 404) rather than
gunicorn's own HTML 414. Workers, bind address and the rest come from the command line or
GUNICORN_CMD_ARGS.
"""

limit_request_line = 8190
