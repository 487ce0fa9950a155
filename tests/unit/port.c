// SPDX-License-Identifier: Apache-2.0
// Unit tests (TAP) of published ports as text (net/port.c): docker's -p form,
// the text form written into lease files and hook arguments, and which ports
// claim the same host port.
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "net/port.h"

/* -p value read, then written in the text form: the text, or "refused". */
static const char *publish_text(const char *value)
{
	static char text[PORT_TEXT_MAX];
	struct published_port p;
	if (port_parse_publish(value, &p) < 0)
		return "refused";
	port_format(&p, text);
	return text;
}

static void check_publish(const char *value, const char *want)
{
	char what[160];
	const char *got = publish_text(value);
	snprintf(what, sizeof(what), "-p %s: %s (got %s)", value, want, got);
	ok(!strcmp(got, want), what);
}

static void check_round_trip(const char *text, int want)
{
	struct published_port p;
	char back[PORT_TEXT_MAX] = "", what[160];
	int got = port_parse(text, &p);
	if (got == 0)
		port_format(&p, back);
	snprintf(what, sizeof(what), "text form \"%s\": %s", text, want ? "refused" : "read and written back the same");
	ok(want ? got < 0 : got == 0 && !strcmp(back, text), what);
}

static struct published_port port(const char *text)
{
	struct published_port p = {0};
	port_parse(text, &p);
	return p;
}

int main(void)
{
	check_publish("80", "tcp:0.0.0.0:80:80");
	check_publish("8080:80", "tcp:0.0.0.0:8080:80");
	check_publish("8053:53/udp", "udp:0.0.0.0:8053:53");
	check_publish("127.0.0.1:8080:80", "tcp:127.0.0.1:8080:80");
	check_publish("127.0.0.1:8080:80/tcp", "tcp:127.0.0.1:8080:80");
	check_publish("65535:1", "tcp:0.0.0.0:65535:1");
	const char *bad[] = {"", "0", "65536", "8080:0", "0:80", "-1", "+80", "80/sctp", "80/", "8080:80:", ":80",
			     "127.0.0.1::80", "localhost:8080:80", "1.2.3:8080:80", "::1:8080:80", "1:2:3:4", "80x",
			     "8080 :80", "99999999999999999999", "1.2.3.4:5:6/udp/tcp",
			     "1111111111111111111111111111111111111111111111111111111111111111111111:80"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_publish(bad[i], "refused");

	check_round_trip("tcp:0.0.0.0:80:8080", 0);
	check_round_trip("udp:255.255.255.255:65535:65535", 0);
	const char *bad_text[] = {"tcp:0.0.0.0:80", "sctp:0.0.0.0:80:80", "tcp:0.0.0.0:80:80:1", "tcp:x:80:80",
				  "tcp:0.0.0.0:0:80", "udp:255.255.255.255:65535:65536", ""};
	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++)
		check_round_trip(bad_text[i], -1);

	struct published_port any = port("tcp:0.0.0.0:8080:80"), lo = port("tcp:127.0.0.1:8080:81"),
			      other = port("tcp:10.0.0.1:8080:82"), udp = port("udp:0.0.0.0:8080:80"),
			      next = port("tcp:0.0.0.0:8081:80");
	ok(port_overlaps(&any, &lo) && port_overlaps(&lo, &any), "every address overlaps one address");
	ok(port_overlaps(&lo, &lo), "the same address overlaps");
	ok(!port_overlaps(&lo, &other), "two different addresses do not");
	ok(!port_overlaps(&any, &udp), "tcp and udp do not");
	ok(!port_overlaps(&any, &next), "two ports do not");

	char text[PORT_DESCRIPTION_MAX];
	port_describe(&any, text);
	ok(!strcmp(text, "8080/tcp"), "described: 8080/tcp");
	port_describe(&lo, text);
	ok(!strcmp(text, "127.0.0.1:8080/tcp"), "described: 127.0.0.1:8080/tcp");
	printf("1..%d\n", tests);
	return failures != 0;
}
