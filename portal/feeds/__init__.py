"""The sector's jobs outside the portal: an Atom feed for any search (``/jobs.atom``), the
feed of every job for aggregators (``/jobs.xml``, its schema ``/jobs.xsd``), the sitemap
for search engines and ``robots.txt``."""
