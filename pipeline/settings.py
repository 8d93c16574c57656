"""The one settings object, read from the environment (prefix ``MINSHENG_``) or ``.env``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
MODELS_DIR = REPO_ROOT / "models"


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "minsheng"


class Settings(BaseSettings):
    """Runtime configuration shared by the CLI, the API and workers.

    Every field can be set as an environment variable, e.g. ``MINSHENG_WHISPER_MODEL=/models/x``.
    """

    model_config = SettingsConfigDict(env_prefix="MINSHENG_", env_file=".env", extra="ignore")

    # Speech recognition
    whisper_model: str = "base"  # "base" (embedded) or a CTranslate2 model directory
    whisper_backend: str = "faster-whisper"  # or "openai-whisper" (same weights, converted)
    whisper_compute_type: str = "int8"
    whisper_beam_size: int = 5
    whisper_cpu_threads: int = 0  # 0: let CTranslate2 decide
    # Decode the stretch where the caller reads out a phone number again and vote
    # (pipeline.phones); costs a few seconds per call.
    phone_check: bool = True
    # Decode the stretch with the caller's address again, prompted with place names that sound
    # like it, and vote part by part (pipeline.addresses); a few seconds per call.
    address_check: bool = True
    cache_dir: Path = _default_cache_dir()

    # Text understanding
    taxonomy_path: Path = DATA_DIR / "taxonomy.yaml"
    seed_data: Path = DATA_DIR / "seed" / "seed.tsv"
    classifier_dir: Path | None = None  # a trained model directory; None: the registry champion
    registry_dir: Path = MODELS_DIR / "registry"
    # A call the urgency rules pass is flagged (for an operator to confirm) when the urgency
    # model (classify.urgency_model), trained on first use from these files, scores it this
    # high; 0 < threshold <= 1, or urgency_model = False to use the rules alone.
    urgency_model: bool = True
    urgency_threshold: float = Field(default=0.7, gt=0.0, le=1.0)
    urgency_transcripts: Path = DATA_DIR / "transcripts" / "whisper_base_calls.jsonl"
    urgency_scripts: Path = DATA_DIR / "calls"

    # Work-order service
    database_url: str = "sqlite:///minsheng.db"
    secret_key: str = "change-me-in-production"
    upload_max_bytes: int = 50 * 1024 * 1024
    upload_dir: Path = _default_cache_dir() / "uploads"


def get_settings() -> Settings:
    """Build settings from the environment (call where the app or CLI is assembled)."""
    return Settings()
