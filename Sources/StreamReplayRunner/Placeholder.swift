// The scenario runner lands with issue 4 ("Scenarios").
