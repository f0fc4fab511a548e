"""Progress lines: none for a quick step, then one every few seconds."""

from briefings.runtime.progress import Progress, phase_line


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_quick_step_says_nothing_and_a_long_one_says_where_it_is() -> None:
    said: list[str] = []
    clock = Clock()
    steps = Progress(said.append, "Rendering pages", 16_667, first=2, every=5, clock=clock)
    for done in range(1, 1001):  # a page a millisecond
        clock.now = 100.0 + done / 1000
        steps.step(done)
    assert said == []  # a second in: quick so far
    for done in range(1001, 16_668):
        clock.now = 100.0 + done / 1000
        steps.step(done)
    assert said == [  # at 2 s, then every 5 s
        "Rendering pages: 2,000 of 16,667 (12%)",
        "Rendering pages: 7,000 of 16,667 (42%)",
        "Rendering pages: 12,000 of 16,667 (72%)",
    ]


def test_a_phase_is_named_only_when_it_took_long() -> None:
    said: list[str] = []
    phase_line(said.append, 0.3, "Loaded 20 articles")
    phase_line(said.append, 3.25, "Loaded 10,000 articles")
    assert said == ["Loaded 10,000 articles (3.2 s)"]


def test_without_a_total_it_says_how_many_so_far() -> None:
    said: list[str] = []
    clock = Clock()
    steps = Progress(said.append, "Readers done", 0, first=2, every=5, clock=clock)
    clock.now += 2.5
    steps.step(2_000)
    assert said == ["Readers done: 2,000"]
