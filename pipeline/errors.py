"""Errors the pipeline raises; the CLI prints them, the API turns them into 4xx."""


class PipelineError(ValueError):
    """A call or message could not be turned into a draft; the message says why."""
