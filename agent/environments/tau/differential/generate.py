"""Differential cases for the TypeScript port: τ-bench's own tool code run on mutated actions.

Takes tasks' ground-truth actions, mutates some (wrong types, wrong ids, missing or extra
arguments, odd values), runs them with the reference Python tools exactly as Env.step does, and
prints one JSON line per case: the actions, each observation, and consistent_hash of the final
data. differential.test.ts replays the lines with the port and compares.

    python3 generate.py --data-dir ../shared/data/tau_bench --seed 1 --count 300 > cases.jsonl
    TAU_DIFFERENTIAL_CASES=cases.jsonl npx vitest run agent/environments/tau/differential

Only the standard library is needed; the reference tools are imported from <data-dir>/reference.
"""

import argparse
import copy
import json
import os
import random
import shutil
import sys
import tempfile
from hashlib import sha256


def install_reference(data_dir):
    """A tau_bench package around the reference tools, so their module names match τ-bench's."""
    root = tempfile.mkdtemp()
    envs = os.path.join(root, "tau_bench", "envs")
    for domain in ("airline", "retail"):
        shutil.copytree(os.path.join(data_dir, "reference", "tools", domain), os.path.join(envs, domain, "tools"))
        open(os.path.join(envs, domain, "__init__.py"), "w").close()
    open(os.path.join(root, "tau_bench", "__init__.py"), "w").close()
    open(os.path.join(envs, "__init__.py"), "w").close()
    with open(os.path.join(envs, "tool.py"), "w") as f:
        f.write("class Tool:\n    pass\n")
    sys.path.insert(0, root)
    from tau_bench.envs.airline.tools import ALL_TOOLS as airline
    from tau_bench.envs.retail.tools import ALL_TOOLS as retail

    return {
        "airline": {t.get_info()["function"]["name"]: t for t in airline},
        "retail": {t.get_info()["function"]["name"]: t for t in retail},
    }


TABLES = {"airline": ["flights", "reservations", "users"], "retail": ["orders", "products", "users"]}
WEIRD = [None, True, 0, 1, -1, 2.0, 0.5, 250.0, "", "x", "é", [], {}, ["a"], {"k": 1}, "2024-05-0a", "2024-05-31", "2024-05-07", 1e20]


def to_hashable(item):
    if isinstance(item, dict):
        return tuple((key, to_hashable(value)) for key, value in sorted(item.items()))
    if isinstance(item, list):
        return tuple(to_hashable(element) for element in item)
    return item


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    random.seed(args.seed)
    tools = install_reference(args.data_dir)
    raw = {d: {t: open(os.path.join(args.data_dir, d, f"{t}.json")).read() for t in TABLES[d]} for d in TABLES}
    load = lambda d: {t: json.loads(s) for t, s in raw[d].items()}
    tasks = {
        "airline": json.load(open(os.path.join(args.data_dir, "airline", "tasks.test.json"))),
        "retail": sum((json.load(open(os.path.join(args.data_dir, "retail", f"tasks.{s}.json"))) for s in ("train", "dev", "test")), []),
    }
    initial = {d: load(d) for d in TABLES}
    ids = {
        "airline": {
            "reservation_id": list(initial["airline"]["reservations"]),
            "user_id": list(initial["airline"]["users"]),
            "flight_number": list(initial["airline"]["flights"]),
            "payment_id": [p for u in list(initial["airline"]["users"].values())[:50] for p in u["payment_methods"]],
        },
        "retail": {
            "order_id": list(initial["retail"]["orders"]),
            "user_id": list(initial["retail"]["users"]),
            "product_id": list(initial["retail"]["products"]),
            "item_id": [i for p in initial["retail"]["products"].values() for i in p["variants"]],
            "payment_method_id": [p for u in list(initial["retail"]["users"].values())[:80] for p in u["payment_methods"]],
        },
    }

    def mutate_value(domain, key, v):
        r = random.random()
        if r < 0.25:
            return random.choice(WEIRD)
        if r < 0.5 and isinstance(v, str):
            for k, values in ids[domain].items():
                if k in key or (k == "item_id" and "item" in key) or (k == "flight_number" and "flight" in key):
                    return random.choice(values)
            return v.upper() if random.random() < 0.5 else v + "x"
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return random.choice([v + 1, v - 1, float(v), v * 2, -v, 0, v + 0.5])
        if isinstance(v, list):
            if not v:
                return [random.choice(WEIRD)]
            c = copy.deepcopy(v)
            op = random.random()
            if op < 0.3:
                c.append(copy.deepcopy(random.choice(c)))
            elif op < 0.5:
                c.pop()
            elif op < 0.7:
                c.reverse()
            else:
                i = random.randrange(len(c))
                c[i] = mutate_value(domain, key, c[i])
            return c
        if isinstance(v, dict):
            c = copy.deepcopy(v)
            if c and random.random() < 0.3:
                c.pop(random.choice(list(c)))
            elif c:
                k = random.choice(list(c))
                c[k] = mutate_value(domain, k, c[k])
            return c
        return random.choice(WEIRD)

    def mutate(domain, action):
        a = copy.deepcopy(action)
        kw = a["kwargs"]
        r = random.random()
        if r < 0.05 and kw:
            kw.pop(random.choice(list(kw)))
        elif r < 0.08:
            kw["extra"] = 1
        elif r < 0.09:
            kw["data"] = 1
        elif r < 0.12:
            a["name"] = random.choice(list(tools[domain]))
        else:
            for _ in range(random.randint(1, 2)):
                if kw:
                    k = random.choice(list(kw))
                    kw[k] = mutate_value(domain, k, kw[k])
        return a

    def step(domain, data, action):  # Env.step, tool branch
        tool = tools[domain].get(action["name"])
        if tool is None:
            return f"Unknown action {action['name']}"
        try:
            return tool.invoke(data=data, **action["kwargs"])
        except Exception as e:
            return f"Error: {e}"

    for _ in range(args.count):
        domain = random.choice(["airline", "retail"])
        keep = lambda actions: [a for a in actions if a["name"] != "transfer_to_human_agents"]
        actions = keep(random.choice(tasks[domain])["actions"]) + keep(random.choice(tasks[domain])["actions"])[:2]
        if domain == "airline" and random.random() < 0.2:
            actions.append({"name": "search_onestop_flight", "kwargs": {
                "origin": random.choice(["JFK", "SFO", "ORD", "EWR"]),
                "destination": random.choice(["SEA", "LAX", "MIA", "BOS"]),
                "date": random.choice(["2024-05-07", "2024-05-16", "2024-05-29", "2024-05-30"]),
            }})
        actions = [mutate(domain, a) if random.random() < 0.6 else a for a in actions]
        data = load(domain)
        observations = [step(domain, data, a) for a in actions]
        try:
            line = json.dumps({"domain": domain, "actions": actions, "observations": observations,
                               "hash": sha256(str(to_hashable(data)).encode("utf-8")).hexdigest()})
        except (TypeError, ValueError):
            continue  # a case whose data no longer serializes (never seen; skipped to be safe)
        print(line, flush=True)


if __name__ == "__main__":
    main()
