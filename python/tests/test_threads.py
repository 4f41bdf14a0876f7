"""Long calls release the GIL: another Python thread keeps running during pl.kmedoids / pl.hamming."""
import threading
import time

import numpy as np

import polytopelens as pl


def test_kmedoids_and_hamming_release_the_gil():
    rng = np.random.default_rng(0)
    codes = np.packbits(rng.random((3000, 512)) < 0.5, axis=1)
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(time.perf_counter())

    t = threading.Thread(target=count)
    t.start()
    try:
        start = time.perf_counter()
        pl.hamming(codes, threads=1)
        pl.kmedoids(codes, 20, threads=1, init="build")
        end = time.perf_counter()
    finally:
        stop.set()
        t.join()
    during = [x for x in ticks if start <= x <= end]
    # With the GIL held for the whole call the counter could not run at all in between
    # (beyond the switch interval at the call's edges); released, it runs throughout.
    assert end - start > 0.05
    assert len(during) > 1000
    gaps = np.diff(during)
    assert gaps.max() < 0.5 * (end - start)
