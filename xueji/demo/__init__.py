"""The demo and benchmark tooling: the `xueji` console commands, the Shanxi demo data, synthetic students."""
