"""Pure rules of the fixed-asset register: accounts, catalogue classes, the depreciation schedule."""
