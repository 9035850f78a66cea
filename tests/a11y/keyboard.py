"""Keyboard-only helpers for browser tests: reach an element with Tab, and check the focus is visible.

    from tests.a11y.keyboard import Keyboard
    kb = Keyboard(page)
    kb.tab_to("Gemeente")                 # Tab until the control named "Gemeente" has the focus
    page.keyboard.type("Amsterdam")
    kb.tab_to("Zoeken", role="button")
    page.keyboard.press("Enter")

or the `keyboard` fixture (`keyboard(page)` -> Keyboard). Every stop is checked for a visible focus
indicator (WCAG 2.4.7): an outline or a box-shadow that is not there without the focus.
"""
from __future__ import annotations

import pytest

# Roles that can take the focus, tried in this order when no role is given.
FOCUSABLE_ROLES = ["link", "button", "textbox", "searchbox", "combobox", "checkbox", "radio", "spinbutton",
                   "slider", "switch", "tab", "menuitem", "option", "listbox"]

_FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  // Date and time inputs: Tab also stops on their picker button inside the browser's own shadow DOM,
  // which draws its own focus ring (the input itself then does not match :focus).
  const innerPicker = el.matches('input[type=date], input[type=time], input[type=datetime-local], input[type=month], input[type=week]') && !el.matches(':focus');
  const outline = innerPicker || (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0);
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  const r = el.getBoundingClientRect();
  return {outline, shadow, tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || el.getAttribute('aria-label') || el.id || '').trim().slice(0, 60),
          width: r.width, height: r.height, focusVisible: el.matches(':focus-visible'), focus: el.matches(':focus'), docFocus: document.hasFocus(), id: el.id};
}"""


class Keyboard:
    def __init__(self, page):
        self.page = page

    def focused(self) -> dict | None:
        """What has the focus: tag, text, size and whether a focus indicator is drawn."""
        return self.page.evaluate(_FOCUS_STYLE)

    def assert_focus_visible(self) -> dict:
        info = self.focused()
        assert info is not None, "nothing has the keyboard focus"
        assert info["outline"] or info["shadow"], f"the focus is not visible on <{info['tag']}> {info['text']!r}"
        return info

    def _target(self, name: str, role: str | None, exact: bool):
        page = self.page
        if role:
            return page.get_by_role(role, name=name, exact=exact)
        locator = page.get_by_label(name, exact=exact)
        for candidate in FOCUSABLE_ROLES:
            locator = locator.or_(page.get_by_role(candidate, name=name, exact=exact))
        # <summary> has no implicit role in every Chromium version: match it by its text too.
        return locator.or_(page.locator("summary", has_text=name))

    def is_focused(self, locator) -> bool:
        handles = locator.element_handles()
        return bool(handles) and self.page.evaluate("els => els.includes(document.activeElement)", handles)

    def tab_to(self, name: str, role: str | None = None, *, exact: bool = False, max_tabs: int = 120,
               backwards: bool = False, check_every_stop: bool = True):
        """Press Tab (Shift+Tab when backwards) until the element named `name` has the focus.

        Fails when it is not reached within max_tabs presses, or when any stop on the way (or the
        target) has no visible focus. Returns the locator of the target."""
        target = self._target(name, role, exact)
        key = "Shift+Tab" if backwards else "Tab"
        path = []
        for _ in range(max_tabs):
            self.page.keyboard.press(key)
            info = self.focused()
            path.append(f"<{info['tag']}> {info['text']!r}" if info else "(nothing)")
            if info and check_every_stop:
                assert info["outline"] or info["shadow"], (
                    f"no visible focus on <{info['tag']}> {info['text']!r} while tabbing to {name!r}: {info}")
            if self.is_focused(target):
                self.assert_focus_visible()
                return target
        raise AssertionError(f"{name!r} not reached with {max_tabs} x {key}; focus went: " + " -> ".join(path[-15:]))


@pytest.fixture
def keyboard():
    """keyboard(page) -> Keyboard helper for that page."""
    return Keyboard
