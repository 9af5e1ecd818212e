"""The static files' storage in production: WhiteNoise's compressed manifest storage, with the
URL of each name worked out once per process."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The manifest is read when a process starts and does not change while it runs (a deploy
    restarts the processes), so the URL of a name does not either. Working it out (the manifest
    lookup, urljoin, quoting) for the half-dozen {% static %} tags of every page took a sixth of
    a signed-in page's template time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            # A missing file raises (manifest_strict) and is not remembered.
            found = self._urls[name] = super().url(name)
        return found
