"""The editors' dashboard on the admin home: what is in progress, in panels apps register.

An app registers a panel, a callable taking the request and returning the context of one
panel (at least `template`), or None when the user has nothing to see there. reportsite
only lays the panels out (template `reportsite/admin_index.html`); it knows none of them.
A panel must run a fixed number of queries, whatever the amount of content: the admin home
is every editor's first page.
"""

_panels = []


def register(panel):
    """Add a panel (usable as a decorator); panels show in the order registered."""
    if panel not in _panels:
        _panels.append(panel)
    return panel


def panels_for(request):
    """The context of every panel this request's user may see."""
    return [context for context in (panel(request) for panel in _panels) if context]
