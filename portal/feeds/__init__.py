"""The sector's jobs outside the portal: an Atom feed for any search (``/jobs.atom``), the
sitemap for search engines and ``robots.txt``."""
