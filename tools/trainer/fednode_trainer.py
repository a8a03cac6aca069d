"""fednode's sample trainer: a Flower client training a logistic regression with numpy.

Runs in the trainer image (tools/build-trainer-image.sh) as a TrainingRun's container, or as the
TrainingRun of a FederatedJob. What it reads (all optional but the aggregator for Train):

  FEDNODE_JOB_TYPE              Train (default) or Evaluate
  FEDNODE_AGGREGATOR_ENDPOINT   https://HOST:PORT of the Flower server (set by the operator)
  FEDNODE_NODE_ID               the node's id: seeds its synthetic data, so each node has its own
  FEDNODE_RESULTS_FILE          where the results JSON goes (default /dev/termination-log)
  FLOWER_ROOT_CA_PEM            the CA certificate (PEM) the Flower server's certificate chains to;
                                a public certificate, no secret
  TRAINER_EXAMPLES              local examples (default 240 + a per-node offset below 80)
  TRAINER_LOCAL_EPOCHS          gradient steps per round (default 20)
  TRAINER_MODEL                 Evaluate: the weights to evaluate, a JSON list of numbers
                                (FEATURES weights, then the bias); default: the data's true model
  TRAINER_PROBE                 HOST:PORT: after the work, try one TCP connection there and report
                                it as the metric egressProbeOpen (1 connected, 0 refused/timed out);
                                the e2e tests use it to show a run's only egress is its aggregator

It writes {"metrics": {...}, "metricErrors": {...}, "numExamples": n, "modelDigest": "sha256:..."}
(modelDigest for Train only: sha256 of the final global weights as little-endian float64) and
nothing else: results, never data.
"""

import hashlib
import json
import math
import os
import socket
import sys
import time

os.environ.setdefault("FLWR_TELEMETRY_ENABLED", "0")
os.environ.setdefault("FLWR_HOME", "/tmp/flwr")

import numpy as np  # noqa: E402

FEATURES = 4
# The federation's "true" model the synthetic data of every node follows.
TRUE_WEIGHTS = np.array([1.5, -2.0, 0.75, 0.5])
TRUE_BIAS = -0.25
LEARNING_RATE = 0.5


def log(message):
    print(f"[fednode-trainer {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def node_seed(node_id):
    return int.from_bytes(hashlib.sha256(node_id.encode()).digest()[:4], "big")


def synthetic_data(node_id, examples=None):
    """Labelled points of the node: the true model plus noise, features shifted per node."""
    seed = node_seed(node_id)
    rng = np.random.default_rng(seed)
    n = examples if examples is not None else 240 + seed % 80
    shift = rng.normal(0.0, 0.5, FEATURES)
    x = rng.normal(0.0, 1.0, (n, FEATURES)) + shift
    p = 1.0 / (1.0 + np.exp(-(x @ TRUE_WEIGHTS + TRUE_BIAS)))
    y = (rng.random(n) < p).astype(np.float64)
    return x, y


def predict(params, x):
    w, b = params
    return 1.0 / (1.0 + np.exp(-(x @ w + b[0])))


def loss_and_accuracy(params, x, y):
    p = np.clip(predict(params, x), 1e-12, 1 - 1e-12)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    correct = (p >= 0.5) == (y >= 0.5)
    accuracy = float(np.mean(correct))
    return loss, accuracy


def train(params, x, y, epochs):
    w, b = params[0].copy(), params[1].copy()
    for _ in range(epochs):
        p = predict((w, b), x)
        w -= LEARNING_RATE * (x.T @ (p - y)) / len(y)
        b -= LEARNING_RATE * np.array([np.mean(p - y)])
    return [w, b]


def digest(params):
    h = hashlib.sha256()
    for a in params:
        h.update(np.asarray(a, dtype="<f8").tobytes())
    return "sha256:" + h.hexdigest()


def evaluation_metrics(params, x, y):
    loss, accuracy = loss_and_accuracy(params, x, y)
    n = len(y)
    return {
        "metrics": {"loss": loss, "accuracy": accuracy},
        # Standard errors: of the accuracy (a proportion) and of the mean log loss.
        "metricErrors": {"accuracy": math.sqrt(max(accuracy * (1 - accuracy), 1e-12) / n)},
        "numExamples": n,
    }


def probe(target):
    host, _, port = target.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5):
            log(f"probe {target}: connected")
            return 1.0
    except OSError as e:
        log(f"probe {target}: {e.__class__.__name__}")
        return 0.0


def write_results(results):
    path = os.environ.get("FEDNODE_RESULTS_FILE", "/dev/termination-log")
    text = json.dumps(results, separators=(",", ":"), sort_keys=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    log(f"results ({len(text)} bytes) -> {path}: {text}")


def server_address(endpoint):
    if not endpoint.startswith("https://"):
        sys.exit("FEDNODE_AGGREGATOR_ENDPOINT must be an https:// URL, got " + repr(endpoint))
    rest = endpoint[len("https://"):].split("/", 1)[0]
    return rest if ":" in rest.rsplit("]", 1)[-1] else rest + ":443"


def run_train(x, y):
    import flwr as fl

    endpoint = os.environ.get("FEDNODE_AGGREGATOR_ENDPOINT")
    if not endpoint:
        sys.exit("Train needs FEDNODE_AGGREGATOR_ENDPOINT (the job's aggregator)")
    ca = os.environ.get("FLOWER_ROOT_CA_PEM")
    if not ca:
        sys.exit("FLOWER_ROOT_CA_PEM (the aggregator's CA certificate, PEM) is not set")
    epochs = int(os.environ.get("TRAINER_LOCAL_EPOCHS", "20"))
    state = {"params": [np.zeros(FEATURES), np.zeros(1)], "rounds": 0}

    class Client(fl.client.NumPyClient):
        def get_parameters(self, config):
            return state["params"]

        def fit(self, parameters, config):
            state["params"] = train(parameters, x, y, epochs)
            state["rounds"] += 1
            loss, accuracy = loss_and_accuracy(state["params"], x, y)
            log(f"round {state['rounds']}: local loss {loss:.4f} accuracy {accuracy:.3f}")
            return state["params"], len(y), {"loss": loss}

        def evaluate(self, parameters, config):
            # The aggregated (global) model of this round.
            state["params"] = [np.asarray(p, dtype=np.float64) for p in parameters]
            loss, accuracy = loss_and_accuracy(state["params"], x, y)
            log(f"global model: loss {loss:.4f} accuracy {accuracy:.3f}")
            return loss, len(y), {"accuracy": accuracy}

    address = server_address(endpoint)
    log(f"Flower client -> {address} (TLS), {len(y)} examples")
    fl.client.start_client(
        server_address=address,
        client=Client().to_client(),
        root_certificates=ca.encode(),
        max_retries=30,
        max_wait_time=120,
    )
    if state["rounds"] == 0:
        sys.exit("the Flower server ran no training round with this client")
    results = evaluation_metrics(state["params"], x, y)
    results["metrics"]["rounds"] = float(state["rounds"])
    results["modelDigest"] = digest(state["params"])
    return results


def run_evaluate(x, y):
    model = os.environ.get("TRAINER_MODEL")
    if model:
        values = json.loads(model)
        if len(values) != FEATURES + 1 or not all(isinstance(v, (int, float)) for v in values):
            sys.exit(f"TRAINER_MODEL must be a JSON list of {FEATURES + 1} numbers")
        params = [np.array(values[:FEATURES], dtype=np.float64), np.array(values[FEATURES:])]
    else:
        params = [TRUE_WEIGHTS.copy(), np.array([TRUE_BIAS])]
    return evaluation_metrics(params, x, y)


def main():
    job_type = os.environ.get("FEDNODE_JOB_TYPE", "Train")
    if job_type not in ("Train", "Evaluate"):
        sys.exit(f"FEDNODE_JOB_TYPE must be Train or Evaluate, got {job_type!r}")
    node_id = os.environ.get("FEDNODE_NODE_ID", "local")
    examples = os.environ.get("TRAINER_EXAMPLES")
    x, y = synthetic_data(node_id, int(examples) if examples else None)
    log(f"{job_type} on node {node_id}")
    results = run_train(x, y) if job_type == "Train" else run_evaluate(x, y)
    if os.environ.get("TRAINER_PROBE"):
        # After the work: by then the node's network policy surely applies to this Pod (an
        # enforcer may take a moment to add a new Pod's rules).
        results["metrics"]["egressProbeOpen"] = probe(os.environ["TRAINER_PROBE"])
    write_results(results)


if __name__ == "__main__":
    main()
