"""The mitigations lab (`overopt lab mitigations`): reward-model ensembles, a KL sweep, a held-out test RM
and the online monitor, on the rlhf lab's world. The lab is `overopt.worlds.mitigations.lab`."""
