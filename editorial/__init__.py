"""The editorial core: drafts, publishing (now or scheduled), previews and share links,
history, restore and recovery, files that follow their content's state, kept uploads and
the editors' dashboard panels, for every kind of content that plugs in (docs/editorial.md).

It imports no content app: content declares what it is (editorial.models mixins) and
registers itself (editorial.registry).
"""
