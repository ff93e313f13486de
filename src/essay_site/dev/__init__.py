"""Development tools (test server, browser, benchmark, fitting, lint): never part of a build."""
