"""The command tree itself: every command names itself, so that parsing the arguments of a
short command does not derive ~100 names through `String(describing:)` (bench/RESULTS.md,
issue 16, session 10: 55 % of `newsletter list`'s instructions)."""
import json
import re

from conftest import ROOT


def configurations():
    """Each `CommandConfiguration(...)` call in the CLI's sources, with its file and line."""
    for path in sorted((ROOT / "Sources" / "kampagne-cli").glob("*.swift")):
        text = path.read_text()
        for match in re.finditer(r"CommandConfiguration\(", text):
            depth, end = 1, match.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            yield path.name, text.count("\n", 0, match.start()) + 1, text[match.start():end]


def names(command):
    yield command["commandName"]
    for sub in command.get("subcommands", []):
        yield from names(sub)


def test_every_command_names_itself_and_the_tree_has_those_names(k):
    found = list(configurations())
    assert len(found) > 90
    unnamed = [f"{file}:{line}" for file, line, call in found if "commandName:" not in call]
    assert unnamed == [], f"commands without commandName: {unnamed}"
    declared = [re.search(r'commandName: "([^"]+)"', call).group(1) for _, _, call in found]
    tree = json.loads(k.run("--experimental-dump-help").stdout)["command"]
    in_tree = list(names(tree))
    # argument-parser adds its own `help` command to the root.
    assert sorted(set(in_tree) - {"help"}) == sorted(set(declared))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", name) for name in in_tree)
    assert len(in_tree) >= len(found)
