"""One PPO minibatch step in PyTorch, at the shapes of bench/ppo.ts's ppo.step,
for the side-by-side ratio `npm run bench` prints when a Python with torch is
available (MAPPO_TORCH_PYTHON, or python3).

Actor 32-64-64-8 and critic 32-64-64-1, tanh; loss = clipped surrogate (0.2)
+ 0.5 * value MSE - 0.01 * entropy; Adam (lr 3e-4, eps 1e-5); one thread.
Prints one JSON line per minibatch size: {"minibatch": N, "ms": mean step time}.
"""
import json
import sys
import time

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)
OBS, ACTIONS, HIDDEN = 32, 8, 64


def mlp(out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(OBS, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, out))


def step_time(minibatch: int, warmup: int = 50, timed: int = 200) -> float:
    actor, critic = mlp(ACTIONS), mlp(1)
    optimizer = torch.optim.Adam(list(actor.parameters()) + list(critic.parameters()), lr=3e-4, eps=1e-5)
    obs = torch.randn(minibatch, OBS)
    actions = torch.randint(0, ACTIONS, (minibatch,))
    old_log_probs = torch.full((minibatch,), -2.0794)
    advantages = torch.randn(minibatch)
    returns = torch.randn(minibatch)

    def train_step() -> None:
        log_probs = torch.log_softmax(actor(obs), dim=-1)
        new_log_probs = log_probs.gather(1, actions[:, None]).squeeze(1)
        ratio = torch.exp(new_log_probs - old_log_probs)
        surrogate = torch.min(ratio * advantages, torch.clamp(ratio, 0.8, 1.2) * advantages)
        entropy = -(log_probs.exp() * log_probs).sum(1).mean()
        value_loss = 0.5 * ((critic(obs).squeeze(1) - returns) ** 2).mean()
        loss = -surrogate.mean() + 0.5 * value_loss - 0.01 * entropy
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    for _ in range(warmup):
        train_step()
    start = time.perf_counter()
    for _ in range(timed):
        train_step()
    return (time.perf_counter() - start) / timed * 1000


for size in [int(x) for x in sys.argv[1:]] or [256, 1024]:
    print(json.dumps({"minibatch": size, "ms": step_time(size), "torch": torch.__version__}), flush=True)
