"""A researcher's Flower server (the aggregator of a federated job) for fednode's tests and playground.

    python3 flower_server.py --listen 10.213.0.1:9092 --rounds 3 --min-clients 2 \
        --ca ca.pem --cert server.pem --key server.key --connections conn.log --summary summary.json

Runs Flower's server (FedAvg, `flwr.server.start_server`, gRPC with TLS) for a fixed number of
rounds and exits. In front of it, on --listen, a TCP forwarder writes one line per accepted
connection to --connections (`connection from IP:PORT`) before passing the bytes (TLS included)
to Flower on 127.0.0.1; so the log names every peer that reached the aggregator, whether or not it
completed a TLS handshake. At the end --summary gets the rounds and the distributed losses and
metrics Flower recorded. Needs the Python packages of tools/trainer/requirements.txt
(tools/build-trainer-image.sh --host-lib prints a folder of them for PYTHONPATH).
"""

import argparse
import json
import os
import socket
import sys
import threading
import time

os.environ["FLWR_TELEMETRY_ENABLED"] = "0"
os.environ.setdefault("FLWR_HOME", os.path.join(os.environ.get("TMPDIR", "/tmp"), "flwr-server"))

import flwr as fl  # noqa: E402

# Bounds for a test server: connections forwarded at once and in total.
MAX_OPEN = 64
MAX_TOTAL = 10000


def log(message):
    print(f"[flower-server {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def forwarder(listener, backend_port, connections_file):
    open_now = threading.Semaphore(MAX_OPEN)
    total = 0
    while total < MAX_TOTAL:
        try:
            conn, peer = listener.accept()
        except OSError:
            return
        total += 1
        with open(connections_file, "a", encoding="utf-8") as f:
            f.write(f"connection from {peer[0]}:{peer[1]}\n")
        log(f"connection from {peer[0]}:{peer[1]}")
        if not open_now.acquire(blocking=False):
            conn.close()
            continue
        try:
            backend = socket.create_connection(("127.0.0.1", backend_port), timeout=10)
            backend.settimeout(None)
        except OSError as e:
            log(f"backend unreachable: {e}")
            conn.close()
            open_now.release()
            continue

        def both(c=conn, b=backend):
            t = threading.Thread(target=pipe, args=(b, c), daemon=True)
            t.start()
            pipe(c, b)
            t.join()
            c.close()
            b.close()
            open_now.release()

        threading.Thread(target=both, daemon=True).start()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="HOST:PORT the clients connect to")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--min-clients", type=int, default=2)
    parser.add_argument("--round-timeout", type=float, default=120.0)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--connections", required=True)
    parser.add_argument("--summary", required=True)
    args = parser.parse_args()
    if not 1 <= args.rounds <= 100 or not 1 <= args.min_clients <= 100:
        sys.exit("--rounds and --min-clients must be within 1..100")

    host, _, port = args.listen.rpartition(":")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, int(port)))
    listener.listen(64)
    open(args.connections, "w", encoding="utf-8").close()
    backend_port = free_port()
    threading.Thread(
        target=forwarder, args=(listener, backend_port, args.connections), daemon=True
    ).start()
    log(f"listening on {args.listen} (Flower on 127.0.0.1:{backend_port}), {args.rounds} rounds")

    def certificates():
        with open(args.ca, "rb") as ca, open(args.cert, "rb") as c, open(args.key, "rb") as k:
            return ca.read(), c.read(), k.read()

    strategy = fl.server.strategy.FedAvg(
        min_fit_clients=args.min_clients,
        min_evaluate_clients=args.min_clients,
        min_available_clients=args.min_clients,
        fit_metrics_aggregation_fn=weighted_mean,
        evaluate_metrics_aggregation_fn=weighted_mean,
    )
    history = fl.server.start_server(
        server_address=f"127.0.0.1:{backend_port}",
        config=fl.server.ServerConfig(num_rounds=args.rounds, round_timeout=args.round_timeout),
        strategy=strategy,
        certificates=certificates(),
    )
    summary = {
        "rounds": args.rounds,
        "lossesDistributed": [[r, v] for r, v in history.losses_distributed],
        "metricsDistributed": {
            k: [[r, v] for r, v in vals] for k, vals in history.metrics_distributed.items()
        },
        "metricsDistributedFit": {
            k: [[r, v] for r, v in vals] for k, vals in history.metrics_distributed_fit.items()
        },
    }
    with open(args.summary + ".tmp", "w", encoding="utf-8") as f:
        json.dump(summary, f)
    os.replace(args.summary + ".tmp", args.summary)
    log(f"done: {json.dumps(summary)}")
    listener.close()


def weighted_mean(results):
    """Metrics of the clients, weighted by their number of examples."""
    total = sum(n for n, _ in results)
    keys = set().union(*(m.keys() for _, m in results)) if results else set()
    return {
        k: sum(n * float(m[k]) for n, m in results if k in m) / total for k in keys
    } if total else {}


if __name__ == "__main__":
    main()
