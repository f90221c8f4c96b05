#pragma once
// Builtins: commands that must run inside the shell because they read or change its state
// (cd, exit, export, unset, jobs, wait...). find_builtin is declared in shell.h.
#include "shell.h"
