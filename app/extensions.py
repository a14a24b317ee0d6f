"""Extension instances, bound to the app in `create_app`."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from app.errors import ProblemApi
from app.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = ProblemApi()
