"""A site with one page that always fails, for the tests of how server errors are reported:
the production settings and URLs plus `/broken-page/`. Run it with
DJANGO_SETTINGS_MODULE=tests.broken_page_site.settings; it never ships in production code."""
