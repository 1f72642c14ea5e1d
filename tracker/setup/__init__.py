"""Setting the tool up in a repository: `track init` writes a config (`scaffold`), `track doctor`
says what is wrong with one (`doctor`)."""
