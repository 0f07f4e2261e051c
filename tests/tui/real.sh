skip tui-real "not yet"
