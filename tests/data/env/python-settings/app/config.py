from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TASKS_")

    database_url: str
    jwt_secret: str
    debug_sql: bool = False
    signup_enabled: bool = True
    smtp_password: str = "changeme-smtp-password"


settings = Settings()
