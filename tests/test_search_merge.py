"""Web requests commit index changes without merging; the worker merges the pile-up."""

from portal.search import index, sync


def test_worker_merges_segments_left_by_requests(app, runner, make_job):
    for i in range(sync.MAX_SEGMENTS + 2):
        make_job(title=f"Relief Worker {i}")  # each one commits a segment, unmerged
    assert len(index.open_index()._segments()) > sync.MAX_SEGMENTS
    result = runner.invoke(args=["portal", "worker", "--once"])
    assert "merged segments" in result.output, result.output
    assert len(index.open_index()._segments()) <= sync.MAX_SEGMENTS
    assert runner.invoke(args=["search", "check"]).exit_code == 0
