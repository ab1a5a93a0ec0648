"""The only code that changes the register's state. One module per area."""
