"""Fraud detection on a payment stream: push (handlers) versus pull (a log reader).

Run it with ``python examples/payments.py``.  Thirty minutes of card
payments go by in well under a second.

What it teaches:

* **Push: handlers react at once.**  ``authorise`` approves or declines each
  payment the moment it arrives; the fraud rules (``Velocity`` in Python,
  ``payments.toml`` in TOML) flag a card, and a trigger blocks it *before*
  the next payment, because push handlers run inside the same tick.
* **Pull: readers go at their own pace.**  ``Reporting`` is a consumer with a
  :class:`~engine.log.Reader` (a cursor, like a Kafka consumer offset).  It
  runs every ten minutes, finds ``lag`` records waiting and reads them all.
  It never slows the payments down and it can never block a card in time.
* **Rules in data, history in code.**  A TOML trigger sees one event and the
  current state; "more than 3 payments within a minute" needs memory, so it
  is a few lines of Python with ``@on``.  Both emit the same
  ``FraudSuspected`` event, and one trigger blocks the card either way.

Look at the output: the thief's first big payment is *approved* (``authorise``
runs before the rules look at it), but the card is blocked within the same
tick, so the next attempt is declined.  The reports see all of it only later.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict, deque
from pathlib import Path

from engine import Event, Input, World, event, on
from engine.scripting import Registry, TriggerRuntime

HERE = Path(__file__).resolve().parent
COUNTRIES = ("FR", "DE", "NL", "ES", "IT")
VELOCITY_LIMIT = 3      # payments a card may make ...
VELOCITY_WINDOW = 60    # ... within this many seconds


@event
class PaymentRequested(Input):
    """A shop asked to charge ``amount`` euros to ``card`` (whose home country is ``home``)."""

    card: int
    amount: float
    country: str
    home: str


@event
class PaymentApproved(Event):
    card: int
    amount: float


@event
class PaymentDeclined(Event):
    card: int
    amount: float
    reason: str


@event
class FraudSuspected(Event):
    card: int
    reason: str


@event
class CardBlocked(Event):
    card: int


registry = Registry()
registry.events(PaymentRequested, PaymentApproved, PaymentDeclined, FraudSuspected, CardBlocked)


@registry.behaviour
def suspect(world: World, card: int, reason: str) -> None:
    """Raise a fraud suspicion about ``card``."""
    world.emit(FraudSuspected(card, reason))


@registry.behaviour
def block_card(world: World, card: int) -> None:
    """Block ``card``: every later payment with it is declined."""
    blocked: set[int] = world.resources["blocked"]
    if card not in blocked:
        blocked.add(card)
        world.emit(CardBlocked(card))


class Velocity:
    """Fraud rule with memory: more than VELOCITY_LIMIT payments from one card within VELOCITY_WINDOW s."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.recent: dict[int, deque[int]] = defaultdict(deque)

    @on(PaymentRequested)
    def count(self, payment: PaymentRequested) -> None:
        ticks = self.recent[payment.card]
        ticks.append(self.world.tick)
        while ticks[0] <= self.world.tick - VELOCITY_WINDOW * self.world.tick_rate:
            ticks.popleft()
        if len(ticks) == VELOCITY_LIMIT + 1:
            self.world.emit(FraudSuspected(payment.card, f"{len(ticks)} payments within {VELOCITY_WINDOW} s"))


class Reporting:
    """A pull consumer: reads the log at its own pace and sums up what it finds."""

    def __init__(self, world: World) -> None:
        self.reader = world.log.reader(0)   # from the very first record

    def run(self, now: int) -> None:
        lag = self.reader.lag
        batch = self.reader.poll()
        counts = Counter(r.type for r in batch.records)
        total = sum(r.data["amount"] for r in batch.records if r.type == "PaymentApproved")
        blocked = [r.data["card"] for r in batch.records if r.type == "CardBlocked"]
        print(f"{clock(now)}  pull  report: {lag} records waited; {counts['PaymentApproved']} approved "
              f"(€{total:,.2f}), {counts['PaymentDeclined']} declined, cards blocked: {blocked or 'none'}")


def clock(tick: int) -> str:
    """``tick`` (seconds) as ``h:mm:ss``."""
    return f"{tick // 3600}:{tick // 60 % 60:02d}:{tick % 60:02d}"


def build(seed: int = 0) -> World:
    """A world with the push handlers, the Python rule and the TOML rules."""
    world = World(seed=seed, tick_rate=1)   # one tick is one second
    blocked = world.resources["blocked"] = set()

    def authorise(payment: PaymentRequested) -> None:
        if payment.card in blocked:
            world.emit(PaymentDeclined(payment.card, payment.amount, "card blocked"))
        else:
            world.emit(PaymentApproved(payment.card, payment.amount))

    def alert(e: Event) -> None:
        print(f"{clock(world.tick)}  push  {e!r}")

    world.subscribe(PaymentRequested, authorise, priority=10)   # before the fraud rules look
    for kind in (FraudSuspected, CardBlocked, PaymentDeclined):
        world.subscribe(kind, alert)
    world.add_system(Velocity(world))
    runtime = TriggerRuntime(world, registry)
    runtime.load_files([HERE / "payments.toml"], relative_to=HERE)
    return world


def stream(rng: random.Random, cards: dict[int, str], second: int) -> list[PaymentRequested]:
    """This second's payments: ordinary shopping with cards 1-40, and two stolen cards, 41 and 42."""
    payments = []
    if rng.random() < 0.1:
        card = rng.randint(1, 40)
        country = cards[card] if rng.random() < 0.95 else rng.choice(COUNTRIES)
        payments.append(PaymentRequested(card, round(rng.lognormvariate(3.3, 0.9), 2), country, cards[card]))
    if 7 * 60 <= second < 8 * 60 and second % 12 == 0:   # a thief tests a stolen card with tiny payments
        payments.append(PaymentRequested(41, 1.0, cards[41], cards[41]))
    if second in (21 * 60, 21 * 60 + 30):                 # a copied card used far away
        payments.append(PaymentRequested(42, 2400.0 if second == 21 * 60 else 900.0, "BR", cards[42]))
    return payments


def main() -> None:
    world = build()
    shoppers = random.Random(7)   # the outside world's randomness, not the simulation's
    cards = {n: shoppers.choice(COUNTRIES) for n in range(1, 43)}
    reporting = Reporting(world)
    for second in range(30 * 60):
        for payment in stream(shoppers, cards, second):
            world.emit(payment)
        world.step()
        if world.tick % (10 * 60) == 0:
            reporting.run(world.tick)
    last_block = world.log.select(CardBlocked)[-1]
    print(f"\nwhy was card {last_block.data['card']} blocked?")
    for depth, record in enumerate(world.why(last_block.offset)):
        print("  " * depth + ("└ " if depth else "") + record.describe())
    world.close()


if __name__ == "__main__":
    main()
