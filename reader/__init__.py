"""newsreader's user interfaces: the Textual app and the headless CLI, on top of ``index``."""
