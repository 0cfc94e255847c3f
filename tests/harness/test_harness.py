import sqlalchemy as sa


def test_db_url_is_fresh_and_writable(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        assert sa.inspect(conn).get_table_names() == []
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        conn.execute(sa.text("INSERT INTO t VALUES (1)"))
    engine.dispose()
