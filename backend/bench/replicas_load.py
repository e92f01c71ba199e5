"""The load of `scripts/replicas-check` (bench/replicas.py), and what it checks afterwards in the database.

Each client works for several users in turn (each user stays under RATE_LIMIT_PER_MINUTE: a 429 is a failure):
reads, creates with an Idempotency-Key repeated until acknowledged, keyed toggles likewise, and edits with
If-Match (a 412 after a lost answer means the edit landed: the task is read to confirm it). Every attempt is
recorded with its time, so that the SIGTERM roll's window can be judged on its own."""

import asyncio
import random
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx
import jwt
import psycopg

from bench.environment import SECRET

USERS_PER_CLIENT = 12
PER_USER_PER_MINUTE = 100  # below the check's RATE_LIMIT_PER_MINUTE (120): the same wall-clock minute windows
RETRY_GRACE_SECONDS = 30.0  # a write begun before the end is repeated this much longer, then given up


@dataclass
class Deadline:
    at: float  # time.monotonic() when clients stop starting new work; moved later while a fault is still running


@dataclass
class Tally:
    attempts: list[tuple[float, str]] = field(default_factory=list)  # (when sent, status or "connection error")
    latencies_ms: list[float] = field(default_factory=list)  # of the answered requests
    timeline: list[tuple[float, float, str, str]] = field(default_factory=list)  # (sent, answered, method, status)
    created: dict[int, tuple[str, str]] = field(default_factory=dict)  # acknowledged: id -> (user, title)
    toggles: Counter[int] = field(default_factory=Counter)  # id -> acknowledged toggles
    titles: dict[int, str] = field(default_factory=dict)  # id -> the title its last acknowledged edit set
    abandoned: set[int] = field(default_factory=set)  # tasks with a write given up (unknown outcome): not judged
    creates_abandoned: int = 0
    unexpected: list[str] = field(default_factory=list)


class Client:
    def __init__(self, n: int, base_url: str, deadline: Deadline, tally: Tally) -> None:
        self.users = [f"r{n:03d}u{k:02d}" for k in range(USERS_PER_CLIENT)]
        now = int(time.time())
        self.tokens = {u: jwt.encode({"sub": u, "exp": now + 3600}, SECRET, algorithm="HS256") for u in self.users}
        self.mine: dict[str, list[int]] = defaultdict(list)
        self.used: Counter[tuple[str, int]] = Counter()  # (user, wall-clock minute) -> requests sent
        self.base_url, self.deadline, self.tally = base_url, deadline, tally
        self.made = 0

    async def run(self) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=20) as self.http:
            turn = 0
            while time.monotonic() < self.deadline.at:
                user = self.users[turn % len(self.users)]
                turn += 1
                roll = random.random()  # noqa: S311  (a load mix, not cryptography)
                tasks = self.mine[user]
                if roll < 0.15 or not tasks:
                    await self.create(user)
                elif roll < 0.55:
                    await self.send(user, "GET", f"/api/{user}/tasks")
                elif roll < 0.7:
                    await self.send(user, "GET", f"/api/{user}/tasks/{random.choice(tasks)}")  # noqa: S311
                elif roll < 0.85:
                    await self.toggle(user, random.choice(tasks))  # noqa: S311
                else:
                    await self.edit(user, random.choice(tasks))  # noqa: S311

    async def send(
        self, user: str, method: str, url: str, body: object = None, headers: dict[str, str] | None = None
    ) -> httpx.Response | None:
        """One attempt, within the user's per-minute budget; None when the connection failed."""
        if self.used[user, int(time.time() // 60)] >= PER_USER_PER_MINUTE:
            await asyncio.sleep(60.05 - time.time() % 60)  # this user's minute is spent: the server would say 429
        self.used[user, int(time.time() // 60)] += 1
        sent = time.monotonic()
        try:
            response = await self.http.request(
                method, url, json=body, headers={"Authorization": f"Bearer {self.tokens[user]}"} | (headers or {})
            )
        except httpx.TransportError as error:
            self.tally.attempts.append((sent, f"connection error ({type(error).__name__})"))
            self.tally.timeline.append((sent, time.monotonic(), method, type(error).__name__))
            await asyncio.sleep(0.05)
            return None
        self.tally.attempts.append((sent, str(response.status_code)))
        self.tally.latencies_ms.append((time.monotonic() - sent) * 1000)
        self.tally.timeline.append((sent, time.monotonic(), method, str(response.status_code)))
        if response.status_code >= 500:
            await asyncio.sleep(0.05)
        return response

    async def until_acknowledged(
        self, user: str, method: str, url: str, body: object = None, headers: dict[str, str] | None = None
    ) -> httpx.Response | None:
        """Repeat the same request (same key, same If-Match) after a 5xx, 409 or lost connection."""
        while time.monotonic() < self.deadline.at + RETRY_GRACE_SECONDS:
            response = await self.send(user, method, url, body, headers)
            if response is None or response.status_code >= 500 or response.status_code == 409:
                continue
            return response
        return None

    async def create(self, user: str) -> None:
        self.made += 1
        title = f"replicas {user} {self.made}"  # one title per intended task: a duplicate would show
        key = {"Idempotency-Key": str(uuid.uuid4())}
        response = await self.until_acknowledged(user, "POST", f"/api/{user}/tasks", {"title": title}, key)
        if response is None:
            self.tally.creates_abandoned += 1
        elif response.status_code == 201:
            task_id = response.json()["id"]
            self.tally.created[task_id] = (user, title)
            self.mine[user].append(task_id)
        else:
            self.tally.unexpected.append(f"POST create: {response.status_code}")

    async def toggle(self, user: str, task_id: int) -> None:
        key = {"Idempotency-Key": str(uuid.uuid4())}
        response = await self.until_acknowledged(user, "PATCH", f"/api/{user}/tasks/{task_id}/complete", None, key)
        if response is None:
            self.tally.abandoned.add(task_id)
        elif response.status_code == 200:
            self.tally.toggles[task_id] += 1
        else:
            self.tally.unexpected.append(f"PATCH toggle: {response.status_code}")

    async def edit(self, user: str, task_id: int) -> None:
        url = f"/api/{user}/tasks/{task_id}"
        current = await self.until_acknowledged(user, "GET", url)
        if current is None or current.status_code != 200:
            return  # a read that never came back is counted in the statuses; nothing was changed
        self.made += 1
        title = f"edited {user} {self.made}"
        response = await self.until_acknowledged(
            user, "PUT", url, {"title": title}, {"If-Match": current.headers["ETag"]}
        )
        if response is not None and response.status_code == 412:
            # Only this client changes this user's tasks: a 412 means an earlier attempt, whose answer was lost,
            # already applied the edit. Read the task to be sure.
            response = await self.until_acknowledged(user, "GET", url)
            if response is not None and response.json()["title"] != title:
                self.tally.unexpected.append(f"PUT {url}: 412, and the task does not have the edit")
                return
        if response is None:
            self.tally.abandoned.add(task_id)
        elif response.status_code == 200:
            self.tally.titles[task_id] = title
        else:
            self.tally.unexpected.append(f"PUT edit: {response.status_code}")


async def drive(base_url: str, clients: int, deadline: Deadline, tally: Tally) -> None:
    await asyncio.gather(*(Client(n, base_url, deadline, tally).run() for n in range(clients)))


@dataclass
class Verdict:
    acknowledged: int
    found: int
    duplicated: int
    toggles_checked: int
    toggles_wrong: int
    edits_checked: int
    edits_lost: int


def verify(admin_conninfo: str, tally: Tally) -> Verdict:
    with psycopg.connect(admin_conninfo) as connection:
        rows = connection.execute("SELECT id, user_id, title, completed FROM tasks").fetchall()
    stored = {task_id: (user, title, completed) for task_id, user, title, completed in rows}
    found = sum(stored.get(task_id, ("",))[0] == user for task_id, (user, _) in tally.created.items())
    # Every intended create has a title of its own, and only acknowledged tasks are edited: a task the tally does
    # not know is a create whose answer never came back, and a duplicate if its title is taken.
    acknowledged_titles = {title for _, title in tally.created.values()}
    unknown = Counter(title for task_id, _, title, _ in rows if task_id not in tally.created)
    duplicated = sum(count if title in acknowledged_titles else count - 1 for title, count in unknown.items())
    judged = [task_id for task_id in tally.created if task_id not in tally.abandoned and task_id in stored]
    toggles_wrong = sum(stored[task_id][2] != (tally.toggles[task_id] % 2 == 1) for task_id in judged)
    edited = [task_id for task_id in judged if task_id in tally.titles]
    edits_lost = sum(stored[task_id][1] != tally.titles[task_id] for task_id in edited)
    return Verdict(len(tally.created), found, duplicated, len(judged), toggles_wrong, len(edited), edits_lost)
