"""The baseline the GRU is compared with: a random forest on flat summaries of
the same windows, blind to packet order (as the baseline of Dong et al. 2019)."""
import numpy as np

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def _summary(values):
    if len(values) == 0:
        return [0.0] * (3 + len(QUANTILES))
    return [values.mean(), values.std(), values.max()] + list(np.quantile(values, QUANTILES))


def flat_features(x):
    """Per window: share of outgoing packets; per direction, mean/std/max and
    quantiles of the packet length; inter-arrival summary; window duration
    (packet rate); shares of TCP/UDP/other and of each TCP flag."""
    rows = []
    for w in x:
        length = np.expm1(w[:, 0])
        outgoing = w[:, 1] > 0
        gap_ms = np.expm1(w[:, 2])
        row = [outgoing.mean()]
        row += _summary(length[outgoing]) + _summary(length[~outgoing])
        row += _summary(w[:, 2])
        row += [np.log1p(gap_ms[1:].sum())]
        row += list(w[:, 3:].mean(axis=0))
        rows.append(row)
    return np.array(rows, np.float64).reshape(len(x), -1)


class Forest:
    def __init__(self, w, per_device, seed):
        from sklearn.ensemble import RandomForestClassifier

        import gru_model
        idx = gru_model.balanced_sample(w, per_device, np.random.default_rng(seed))
        self.forest = RandomForestClassifier(n_estimators=200, class_weight="balanced", random_state=seed, n_jobs=1)
        self.forest.fit(flat_features(w.x[idx]), w.type[idx])

    def predict(self, x):
        return self.forest.predict(flat_features(x)) if len(x) else np.array([], dtype=str)
