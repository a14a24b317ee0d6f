"""Extension instances, bound to the app in `create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from app.errors import ProblemApi
from app.models.base import Base

# Views serialise what a service committed; reloading it (with lazy="raise" relationships
# everywhere) would only cost queries or raise.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
api = ProblemApi()
login_manager = LoginManager()
# Storage comes from RATELIMIT_STORAGE_URI: Redis when REDIS_URL is set, else memory.
limiter = Limiter(key_func=get_remote_address)
