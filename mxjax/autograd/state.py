"""Per-thread recording / training flags and the scopes that set them."""
import threading


class _State(threading.local):
    def __init__(self):
        self.recording = False
        self.training = False


state = _State()


def set_recording(is_recording):
    """Set recording on or off; returns the previous state."""
    prev, state.recording = state.recording, bool(is_recording)
    return prev


def set_training(train_mode):
    """Set training on or off; returns the previous state."""
    prev, state.training = state.training, bool(train_mode)
    return prev


def is_recording():
    return state.recording


def is_training():
    return state.training


class _RecordingStateScope:
    """Scope that sets recording and/or training (None leaves a flag alone) and restores both."""

    def __init__(self, is_record, train_mode):
        self._enter_is_record = is_record
        self._enter_train_mode = train_mode
        self._prev_is_record = None
        self._prev_train_mode = None

    def __enter__(self):
        if self._enter_is_record is not None:
            self._prev_is_record = set_recording(self._enter_is_record)
        if self._enter_train_mode is not None:
            self._prev_train_mode = set_training(self._enter_train_mode)

    def __exit__(self, *exc):
        if self._enter_is_record is not None and self._prev_is_record != self._enter_is_record:
            set_recording(self._prev_is_record)
        if self._enter_train_mode is not None and self._prev_train_mode != self._enter_train_mode:
            set_training(self._prev_train_mode)


def record(train_mode=True):
    """Scope that records operations for backward (and sets training, by default)."""
    return _RecordingStateScope(True, train_mode)


def pause(train_mode=False):
    """Scope that stops recording (and sets prediction mode, by default)."""
    return _RecordingStateScope(False, train_mode)


def train_mode():
    """Scope in which is_training() is True; recording is left alone."""
    return _RecordingStateScope(None, True)


def predict_mode():
    """Scope in which is_training() is False; recording is left alone."""
    return _RecordingStateScope(None, False)
