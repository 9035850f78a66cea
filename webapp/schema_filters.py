"""Which database objects Alembic compares: ours only (not PostGIS's own tables or schemas)."""

FOREIGN_TABLES = {"spatial_ref_sys", "layer", "topology", "demo_marker"}


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and (name in FOREIGN_TABLES or (reflected and compare_to is None)))


def include_name(name, type_, parent_names):
    if type_ == "schema":
        return name in (None, "public")
    return True
