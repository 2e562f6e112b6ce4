"""CL006 through a prompt builder of another module that returns the messages list it fills
in a loop (`extract/prompt_returns.py`): the list's written head (the system message, the clock
in it) is what the cache reads first; what the loop adds is the run's."""
from __future__ import annotations

from claude_lint.checks import cache_prefix_examples as shapes

from conftest import lint_tree, write_project


def _found(tmp_path, prompt, app=shapes.LOOPED_APP):
    write_project(tmp_path, suite=False, example={"bot/prompt.py": prompt, "bot/app.py": app})
    return [d for d in lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics if d.code == "CL006"]


def test_the_clock_heading_a_list_filled_in_a_loop_is_found_where_it_is_written(tmp_path):
    found = _found(tmp_path, shapes.LOOPED_PROMPT.format(fmt="%H:%M:%S", after=""))
    assert len(found) == 1, found
    assert (found[0].loc.path, found[0].loc.row) == ("bot/prompt.py", 4)
    assert "changes on every request" in found[0].message  # a clock to the second
    assert "at the start of the system prompt" in found[0].message
    assert any(r.path == "bot/app.py" for r in found[0].related), found[0].related


def test_the_builder_is_followed_when_the_caller_sends_it_directly(tmp_path):
    app = shapes.LOOPED_APP.replace("    messages = []\n    try:\n        messages = build_prompt(history)\n    except ValueError:\n        return None\n",
                                    "    messages = build_prompt(history)\n")
    assert len(_found(tmp_path, shapes.LOOPED_PROMPT.format(fmt="%H:%M", after=""), app)) == 1


def test_an_item_put_at_the_head_leaves_the_list_unknown(tmp_path):
    prompt = shapes.LOOPED_PROMPT.format(fmt="%H:%M", after="    messages.insert(0, history[0])\n")
    assert not _found(tmp_path, prompt)


def test_a_list_of_lines_is_not_a_messages_list(tmp_path):
    prompt = shapes.LOOPED_PROMPT.format(fmt="%H:%M", after="").replace(
        "[{'role': 'system', 'content': f'Current time: {now}\\n\\n{RULES}'}]", "[f'Current time: {now}', RULES]")
    assert not _found(tmp_path, prompt)


def _factory_found(tmp_path, context):
    write_project(tmp_path, suite=False, example={**shapes.FACTORY, "shop/context.py": context})
    return [d for d in lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics if d.code == "CL006"]


def test_a_factory_of_another_module_is_followed_to_its_class_method(tmp_path):
    found = _factory_found(tmp_path, shapes.FACTORY["shop/context.py"])
    assert [(d.loc.path, d.loc.row) for d in found] == [("shop/context.py", 4)]
    assert "sits in the system prompt before the last cache breakpoint" in found[0].message


def test_a_factory_that_may_make_another_object_is_not_followed(tmp_path):
    context = shapes.FACTORY["shop/context.py"].replace("def create_manager():\n    return Manager()\n",
                                                        "def create_manager(test=False):\n    if test:\n        return None\n    return Manager()\n")
    assert not _factory_found(tmp_path, context)


def _orders_found(tmp_path, orders, value="datetime.datetime.now().isoformat()"):
    write_project(tmp_path, suite=False, example={"shop/sessions.py": shapes.SESSIONS.format(value=value), "shop/orders.py": orders})
    return [(d.loc.path, d.loc.row) for d in lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics if d.code == "CL006"]


def test_a_helper_with_several_returns_on_a_base_class_carries_the_clock_of_another_module(tmp_path):
    assert _orders_found(tmp_path, shapes.ORDERS) == [("shop/sessions.py", 5)]


def test_the_same_helper_on_the_class_itself_and_with_one_return(tmp_path):
    flat = shapes.ORDERS.replace("class Orders(Base):\n", "").replace("class Base:\n", "class Orders:\n")
    assert _orders_found(tmp_path, flat) == [("shop/sessions.py", 5)]
    one = shapes.ORDERS.replace("        try:\n            found = self.sessions.context(session)\n"
                                "            return f'\\n\\n{found}' if found else ''\n        except Exception:\n            return ''\n",
                                "        return f'\\n\\n{self.sessions.context(session)}'\n")
    assert _orders_found(tmp_path, one) == [("shop/sessions.py", 5)]


def test_a_name_bound_in_a_branch_is_not_read_as_a_helper_s_returns(tmp_path):
    branch = shapes.ORDERS.replace("        extra = self.extra(session)\n",
                                   "        extra = ''\n        if session:\n            extra = self.sessions.context(session)\n")
    assert _orders_found(tmp_path, branch) == []
