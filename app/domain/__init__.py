"""The domain: pure functions and plain objects, with no database session, no request and
no Flask. Services (app.services, app.content) call it; it calls neither."""
