from tests.netguard import foreign_connects

TRACE = """\
7725  connect(19, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0
7731  connect(5, {sa_family=AF_INET, sin_port=htons(7233), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
7731  connect(6, {sa_family=AF_INET6, sin6_port=htons(7233), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0
7731  connect(7, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2606:4700::1", &sin6_addr), sin6_scope_id=0}, 28) = -1
7732  connect(8, {sa_family=AF_UNIX, sun_path="/var/run/postgresql/.s.PGSQL.5432"}, 110) = 0
7733  connect(9, {sa_family=AF_INET, sin_port=htons(35967), sin_addr=inet_addr("0.0.0.0")}, 16) = 0
"""  # noqa: E501


def test_only_off_machine_destinations_are_reported() -> None:
    bad = foreign_connects(TRACE)
    assert len(bad) == 2
    assert "10.255.255.53" in bad[0]
    assert "2606:4700::1" in bad[1]
