"""On the builder image the pinned tools are baked in: a step installs nothing, and only when the pins match."""

from pkgrelay_steps import install_tools as tools
from pkgrelay_steps import read_data


def test_pins_baked_into_the_image_are_recognised(tmp_path):
    text = read_data("tool-requirements.txt")
    (tmp_path / "tool-requirements.txt").write_text(text, encoding="utf-8")
    assert tools.baked("tool-requirements.txt", text, folder=str(tmp_path))


def test_an_image_with_other_pins_or_none_is_not_trusted(tmp_path):
    text = read_data("tool-requirements.txt")
    (tmp_path / "tool-requirements.txt").write_text(text.replace("twine==", "twine==0."), encoding="utf-8")
    assert not tools.baked("tool-requirements.txt", text, folder=str(tmp_path))
    assert not tools.baked(
        "upload-auth-requirements.txt", read_data("upload-auth-requirements.txt"), folder=str(tmp_path)
    )


def test_a_step_on_the_image_installs_nothing(tmp_path, monkeypatch):
    for name in ("tool-requirements.txt", "upload-auth-requirements.txt"):
        (tmp_path / name).write_text(read_data(name), encoding="utf-8")
    monkeypatch.setattr(tools, "BAKED", str(tmp_path))

    def refuse(*args, **kwargs):
        raise AssertionError("nothing may be installed on the builder image: " + repr(args))

    monkeypatch.setattr(tools, "run", refuse)
    target = tmp_path / "tools"
    tools.install_tools(target=str(target))
    tools.install_tools("upload-auth-requirements.txt", target=str(target))
    assert not target.exists()


def test_a_step_on_the_image_still_sets_how_uv_installs(tmp_path, monkeypatch):
    # `python -m build --installer uv` runs uv after install_tools: baked or not, it must copy, ignore the
    # project's uv configuration and trust the image's certificates.
    (tmp_path / "tool-requirements.txt").write_text(read_data("tool-requirements.txt"), encoding="utf-8")
    monkeypatch.setattr(tools, "BAKED", str(tmp_path))
    for name in ("UV_NO_CONFIG", "UV_LINK_MODE", "UV_SYSTEM_CERTS"):
        monkeypatch.delitem(tools.env, name, raising=False)
    tools.install_tools(target=str(tmp_path / "tools"))
    assert (tools.env["UV_NO_CONFIG"], tools.env["UV_LINK_MODE"], tools.env["UV_SYSTEM_CERTS"]) == ("1", "copy", "1")
