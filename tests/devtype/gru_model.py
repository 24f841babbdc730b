"""The device-type GRU: training (torch, CPU), the model file, and a numpy
forward pass used to check the C inference against.

Model file (`iotfp-device-model 1`, parsed by plugin/core/device_model.c):
one directive per line, numbers on the same line, matrices row-major.
  kind gru / features 11 / window W / hidden H / classes K NAME...
  mean 11 numbers / std 11 numbers (each > 0): x = (f - mean) / std
  matrix W_ih 3H 11 ... / matrix W_hh 3H H ... / vector b_ih 3H ... /
  vector b_hh 3H ...   (torch.nn.GRU's weights, gate order r, z, n)
  matrix W_out K H ... / vector b_out K ...  (logits from the last state)"""
import numpy as np

import windows as win

MAGIC = "iotfp-device-model 1"
STD_FLOOR = 1e-3
EXPORT_CHECK_WINDOWS = 256
EXPORT_TOLERANCE = 1e-3  # float32 torch against float64 numpy  # a feature constant in training (a protocol never seen) keeps unit scale


def scaling(x):
    flat = x.reshape(-1, x.shape[-1]).astype(np.float64)
    mean = flat.mean(axis=0)
    std = flat.std(axis=0)
    std[std < STD_FLOOR] = 1.0
    return mean, std


def balanced_sample(w, per_device, rng):
    """At most per_device windows of each device, drawn at random: the long
    captures (a week of a camera) must not drown the short ones."""
    keep = []
    for device in np.unique(w.device):
        idx = np.flatnonzero(w.device == device)
        keep.extend(rng.choice(idx, size=min(per_device, len(idx)), replace=False))
    return np.sort(np.array(keep, dtype=np.int64))


class GruModel:
    def __init__(self, classes, window, hidden, mean, std, params):
        self.classes, self.window, self.hidden = list(classes), window, hidden
        self.mean, self.std, self.params = mean, std, params

    def logits(self, x):
        """The forward pass torch.nn.GRU computes, in numpy (x: (n, W, 11) raw features)."""
        p, h_size = self.params, self.hidden
        z_in = (x.astype(np.float64) - self.mean) / self.std
        h = np.zeros((len(x), h_size))
        for t in range(x.shape[1]):
            gi = z_in[:, t, :] @ p["W_ih"].T + p["b_ih"]
            gh = h @ p["W_hh"].T + p["b_hh"]
            r = _sigmoid(gi[:, :h_size] + gh[:, :h_size])
            z = _sigmoid(gi[:, h_size:2 * h_size] + gh[:, h_size:2 * h_size])
            n = np.tanh(gi[:, 2 * h_size:] + r * gh[:, 2 * h_size:])
            h = (1 - z) * n + z * h
        return h @ p["W_out"].T + p["b_out"]

    def probabilities(self, x):
        logits = self.logits(x)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, x):
        return np.array(self.classes)[np.argmax(self.logits(x), axis=1)] if len(x) else np.array([], dtype=str)

    def write(self, path, comment=""):
        def numbers(a):
            return " ".join("%.9g" % v for v in np.asarray(a, np.float64).ravel())
        lines = [MAGIC]
        lines += ["# " + c for c in comment.splitlines()]
        lines += ["kind gru", "features %d" % win.N_FEATURES, "window %d" % self.window, "hidden %d" % self.hidden,
                  "classes %d %s" % (len(self.classes), " ".join(self.classes)),
                  "mean " + numbers(self.mean), "std " + numbers(self.std)]
        for name in ("W_ih", "W_hh", "b_ih", "b_hh", "W_out", "b_out"):
            a = self.params[name]
            shape = " ".join(str(d) for d in a.shape)
            lines.append("%s %s %s %s" % ("matrix" if a.ndim == 2 else "vector", name, shape, numbers(a)))
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")

    @staticmethod
    def read(path):
        fields, params = {}, {}
        with open(path) as f:
            lines = [line.split() for line in f if line.strip() and not line.startswith("#")]
        if not lines or " ".join(lines[0]) != MAGIC:
            raise ValueError("%s: not an %s file" % (path, MAGIC))
        for words in lines[1:]:
            if words[0] in ("matrix", "vector"):
                dims = 2 if words[0] == "matrix" else 1
                shape = tuple(int(d) for d in words[2:2 + dims])
                params[words[1]] = np.array([float(v) for v in words[2 + dims:]]).reshape(shape)
            else:
                fields[words[0]] = words[1:]
        classes = fields["classes"][1:]
        return GruModel(classes, int(fields["window"][0]), int(fields["hidden"][0]),
                        np.array([float(v) for v in fields["mean"]]), np.array([float(v) for v in fields["std"]]),
                        params)


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def train(w, hidden=16, epochs=40, per_device=800, seed=1, log=None):
    """A GRU on windows w (all of them from training captures); seeded, CPU, one thread.
    Checks that the exported model's numpy forward pass gives torch's logits."""
    import torch
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    rng = np.random.default_rng(seed)
    idx = balanced_sample(w, per_device, rng)
    x, labels = w.x[idx], w.type[idx]
    classes = sorted(set(labels))
    y = np.array([classes.index(t) for t in labels])
    mean, std = scaling(x)
    xt = torch.tensor((x - mean) / std, dtype=torch.float32)
    yt = torch.tensor(y)
    # Each type weighs the same, however many windows its devices gave.
    counts = np.bincount(y, minlength=len(classes))
    weight = torch.tensor(len(y) / (len(classes) * np.maximum(counts, 1)), dtype=torch.float32)
    gru = torch.nn.GRU(win.N_FEATURES, hidden, batch_first=True)
    out = torch.nn.Linear(hidden, len(classes))
    optimiser = torch.optim.Adam(list(gru.parameters()) + list(out.parameters()), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    batch = 64
    for epoch in range(epochs):
        order = torch.randperm(len(yt))
        total = 0.0
        for start in range(0, len(order), batch):
            b = order[start:start + batch]
            _, h = gru(xt[b])
            loss = loss_fn(out(h[-1]), yt[b])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(b)
        if log and (epoch + 1) % 10 == 0:
            log("epoch %d: loss %.4f" % (epoch + 1, total / len(yt)))
    params = {"W_ih": gru.weight_ih_l0, "W_hh": gru.weight_hh_l0, "b_ih": gru.bias_ih_l0, "b_hh": gru.bias_hh_l0,
              "W_out": out.weight, "b_out": out.bias}
    params = {k: v.detach().numpy().astype(np.float64) for k, v in params.items()}
    model = GruModel(classes, w.x.shape[1], hidden, mean, std, params)
    # The file must say what torch learnt: same gate order, same scaling.
    with torch.no_grad():
        _, h = gru(xt[:EXPORT_CHECK_WINDOWS])
        expected = out(h[-1]).numpy()
    drift = np.abs(model.logits(x[:EXPORT_CHECK_WINDOWS]) - expected).max()
    if drift > EXPORT_TOLERANCE:
        raise RuntimeError("exported GRU differs from torch's by %g in a logit" % drift)
    return model
