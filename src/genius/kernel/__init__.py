"""Pure building blocks shared by every layer; standard library only."""
