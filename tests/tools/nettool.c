/*
 * nettool: the listener and the probe of Hearth's network tests (tests/Hearth.IntegrationTests/Network).
 * Static (gcc -static -O2), no DNS: it takes addresses only, and runs in any workspace image.
 *
 *   nettool listen PORT...
 *       serves TCP and UDP on 0.0.0.0:PORT for every PORT; answers each connection or datagram
 *       with "ok <peer ip>" and prints "tcp|udp <peer ip> <port>" for it.
 *   nettool probe tcp|udp IP PORT [--from SRC] [--timeout-ms N]
 *   nettool probe icmp IP [--from SRC] [--timeout-ms N]
 *       prints "open <reply>", "refused" (TCP reset, ICMP port/admin unreachable), "unreachable"
 *       (ICMP host/net unreachable) or "timeout"; exits 0 only when open. --from sends from SRC
 *       even when it is not an address of this host (IP_TRANSPARENT, which CAP_NET_RAW allows):
 *       the spoofing a workspace's root could try.
 *   nettool dns NAME=IP[/TTL]...
 *       an authoritative DNS server on UDP 0.0.0.0:53: A queries for a listed NAME get its IP
 *       (TTL default 300), AAAA and other types of a listed NAME get an empty answer, any other
 *       name NXDOMAIN; prints "listening", then "dns <peer ip> <name>" for each query. "The
 *       internet's" zone for the hostname-egress tests.
 *   nettool stray IP
 *       sends an ICMP echo reply nobody asked for: a packet of no connection, which conntrack calls
 *       invalid; prints "sent", or "refused" when the sender's own firewall drops it (EPERM).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int timeout_ms = 1000;

static void die(const char *what) { printf("error %s: %s\n", what, strerror(errno)); exit(4); }

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

static int verdict(int err)
{
    if (err == ECONNREFUSED || err == EACCES || err == EPERM) { puts("refused"); return 1; }
    if (err == EHOSTUNREACH || err == ENETUNREACH) { puts("unreachable"); return 3; }
    if (err == ETIMEDOUT || err == EAGAIN) { puts("timeout"); return 2; }
    printf("error %s\n", strerror(err));
    return 4;
}

/* Waits for EVENTS on FD until the probe's deadline; 0 when the time ran out. */
static int wait_for(int fd, short events, long deadline)
{
    struct pollfd p = { .fd = fd, .events = events };
    long left = deadline - now_ms();
    return left > 0 && poll(&p, 1, (int)left) > 0;
}

static unsigned short checksum(const void *data, int len)
{
    const unsigned short *w = data;
    unsigned long sum = 0;
    for (; len > 1; len -= 2) sum += *w++;
    if (len) sum += *(const unsigned char *)w;
    sum = (sum >> 16) + (sum & 0xffff);
    return (unsigned short)~(sum + (sum >> 16));
}

static int probe_icmp(int fd, struct sockaddr_in *dst, long deadline)
{
    unsigned short id = (unsigned short)getpid();
    struct icmphdr echo = { .type = ICMP_ECHO, .un.echo.id = htons(id), .un.echo.sequence = htons(1) };
    echo.checksum = checksum(&echo, sizeof echo);
    if (sendto(fd, &echo, sizeof echo, 0, (struct sockaddr *)dst, sizeof *dst) < 0) return verdict(errno);
    unsigned char buf[1500];
    while (wait_for(fd, POLLIN, deadline)) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0) return verdict(errno);
        struct iphdr *ip = (struct iphdr *)buf;
        if (n < (ssize_t)(ip->ihl * 4 + sizeof(struct icmphdr))) continue;
        struct icmphdr *icmp = (struct icmphdr *)(buf + ip->ihl * 4);
        if (icmp->type == ICMP_ECHOREPLY && ntohs(icmp->un.echo.id) == id && ip->saddr == dst->sin_addr.s_addr) {
            printf("open echo reply from %s\n", inet_ntoa(dst->sin_addr));
            return 0;
        }
        /* An error quotes the IP header and the first 8 bytes of the echo it answers. */
        struct iphdr *quoted = (struct iphdr *)(icmp + 1);
        if (icmp->type != ICMP_DEST_UNREACH || (unsigned char *)quoted + sizeof *quoted > buf + n) continue;
        struct icmphdr *ours = (struct icmphdr *)((unsigned char *)quoted + quoted->ihl * 4);
        if ((unsigned char *)(ours + 1) > buf + n || ours->type != ICMP_ECHO || ntohs(ours->un.echo.id) != id) continue;
        return verdict(icmp->code == ICMP_NET_UNREACH || icmp->code == ICMP_HOST_UNREACH ? EHOSTUNREACH : ECONNREFUSED);
    }
    return verdict(ETIMEDOUT);
}

static int probe(int argc, char **argv)
{
    if (argc < 2) { puts("usage: nettool probe tcp|udp|icmp IP [PORT] [--from SRC] [--timeout-ms N]"); return 4; }
    const char *proto = argv[0], *src = NULL;
    int icmp = strcmp(proto, "icmp") == 0, tcp = strcmp(proto, "tcp") == 0, i = icmp ? 2 : 3;
    if (!icmp && !tcp && strcmp(proto, "udp") != 0) { printf("error unknown protocol %s\n", proto); return 4; }
    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(icmp ? 0 : atoi(argc > 2 ? argv[2] : "0")) };
    if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) { printf("error bad address %s\n", argv[1]); return 4; }
    for (; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--from") == 0) src = argv[i + 1];
        else if (strcmp(argv[i], "--timeout-ms") == 0) timeout_ms = atoi(argv[i + 1]);
        else { printf("error unknown option %s\n", argv[i]); return 4; }
    }
    long deadline = now_ms() + timeout_ms;
    int fd = icmp ? socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)
                  : socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket");
    if (src) {
        int one = 1;
        struct sockaddr_in from = { .sin_family = AF_INET };
        if (inet_pton(AF_INET, src, &from.sin_addr) != 1) { printf("error bad address %s\n", src); return 4; }
        setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof one);
        if (setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof one) < 0) die("IP_TRANSPARENT");
        if (bind(fd, (struct sockaddr *)&from, sizeof from) < 0) die("bind");
    }
    if (icmp) return probe_icmp(fd, &dst, deadline);
    if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0 && errno != EINPROGRESS) return verdict(errno);
    if (tcp) {
        int err = 0;
        socklen_t len = sizeof err;
        if (!wait_for(fd, POLLOUT, deadline)) return verdict(ETIMEDOUT);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) return verdict(err);
    } else if (send(fd, "probe\n", 6, 0) < 0) {
        return verdict(errno);
    }
    char reply[256] = "";
    ssize_t n = 0;
    if (wait_for(fd, POLLIN, deadline) && (n = recv(fd, reply, sizeof reply - 1, 0)) < 0) return verdict(errno);
    if (!tcp && n <= 0) return verdict(ETIMEDOUT); /* UDP: only an answer shows the datagram arrived */
    reply[n > 0 ? n : 0] = 0;
    reply[strcspn(reply, "\n")] = 0;
    printf("open %s\n", reply);
    return 0;
}

static int stray(const char *ip)
{
    struct sockaddr_in dst = { .sin_family = AF_INET };
    if (inet_pton(AF_INET, ip, &dst.sin_addr) != 1) { printf("error bad address %s\n", ip); return 4; }
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd < 0) die("socket");
    struct icmphdr reply = { .type = ICMP_ECHOREPLY, .un.echo.id = htons((unsigned short)getpid()) };
    reply.checksum = checksum(&reply, sizeof reply);
    if (sendto(fd, &reply, sizeof reply, 0, (struct sockaddr *)&dst, sizeof dst) < 0) return verdict(errno);
    puts("sent");
    return 0;
}

static __attribute__((noreturn)) void listen_on(int argc, char **argv)
{
    struct pollfd fds[64];
    int ports[64], n = 0, one = 1;
    for (int i = 0; i < argc && n + 2 <= 64; i++) {
        struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[i])) };
        for (int type = 0; type < 2; type++, n++) {
            int fd = socket(AF_INET, type == 0 ? SOCK_STREAM : SOCK_DGRAM, 0);
            if (fd < 0) die("socket");
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
            if (type == 0 && listen(fd, 64) < 0) die("listen");
            fds[n] = (struct pollfd){ .fd = fd, .events = POLLIN };
            ports[n] = atoi(argv[i]);
        }
    }
    printf("listening\n");
    for (;;) {
        if (poll(fds, n, -1) < 0 && errno != EINTR) die("poll");
        for (int i = 0; i < n; i++) {
            if (!(fds[i].revents & POLLIN)) continue;
            struct sockaddr_in peer;
            socklen_t len = sizeof peer;
            char answer[64];
            if (i % 2 == 0) {
                int c = accept(fds[i].fd, (struct sockaddr *)&peer, &len);
                if (c < 0) continue;
                int m = snprintf(answer, sizeof answer, "ok %s\n", inet_ntoa(peer.sin_addr));
                if (write(c, answer, m) < 0) { /* the prober may be gone already */ }
                close(c);
            } else {
                char buf[512];
                if (recvfrom(fds[i].fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len) < 0) continue;
                int m = snprintf(answer, sizeof answer, "ok %s\n", inet_ntoa(peer.sin_addr));
                sendto(fds[i].fd, answer, m, 0, (struct sockaddr *)&peer, len);
            }
            printf("%s %s %d\n", i % 2 == 0 ? "tcp" : "udp", inet_ntoa(peer.sin_addr), ports[i]);
        }
    }
}

/* Reads the question name at MSG+12 into NAME ("a.b.c"); returns the offset after it, or -1. */
static int question_name(const unsigned char *msg, int len, char *name, int size)
{
    int at = 12, out = 0;
    while (at < len && msg[at] != 0) {
        int label = msg[at++];
        if (label > 63 || at + label > len || out + label + 2 > size) return -1;
        if (out > 0) name[out++] = '.';
        for (int i = 0; i < label; i++) name[out++] = (char)(msg[at + i] | 0x20);
        at += label;
    }
    name[out] = 0;
    return at + 1 + 4 <= len ? at + 1 : -1;
}

static void dns_serve(int count, char **records)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(53) };
    if (fd < 0 || bind(fd, (struct sockaddr *)&any, sizeof any) != 0) die("dns bind");
    puts("listening");
    for (;;) {
        unsigned char msg[512], out[600];
        char name[256];
        struct sockaddr_in peer;
        socklen_t peer_len = sizeof peer;
        int len = (int)recvfrom(fd, msg, sizeof msg, 0, (struct sockaddr *)&peer, &peer_len);
        int end = len > 12 ? question_name(msg, len, name, sizeof name) : -1;
        if (end < 0) continue;
        int qtype = msg[end] << 8 | msg[end + 1];
        printf("dns %s %s\n", inet_ntoa(peer.sin_addr), name);
        int found = -1;
        for (int i = 0; i < count; i++) {
            size_t n = strcspn(records[i], "=");
            if (n == strlen(name) && strncmp(records[i], name, n) == 0) found = i;
        }
        memcpy(out, msg, end + 4);                      /* header and question */
        out[2] = 0x84 | (msg[2] & 0x01);                /* QR, AA, RD as asked */
        out[3] = found < 0 ? 3 : 0;                     /* NXDOMAIN or NOERROR */
        out[6] = out[7] = out[8] = out[9] = out[10] = out[11] = 0;
        int at = end + 4;
        if (found >= 0 && qtype == 1) {
            char ip[64];
            unsigned ttl = 300;
            snprintf(ip, sizeof ip, "%s", strchr(records[found], '=') + 1);
            char *slash = strchr(ip, '/');
            if (slash) { *slash = 0; ttl = (unsigned)atoi(slash + 1); }
            unsigned char answer[16] = { 0xc0, 0x0c, 0, 1, 0, 1, ttl >> 24, ttl >> 16, ttl >> 8, ttl, 0, 4 };
            if (inet_pton(AF_INET, ip, answer + 12) != 1) die("dns record");
            memcpy(out + at, answer, 16);
            at += 16;
            out[7] = 1;                                 /* one answer */
        }
        sendto(fd, out, at, 0, (struct sockaddr *)&peer, peer_len);
    }
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 3 && strcmp(argv[1], "listen") == 0) listen_on(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "probe") == 0) return probe(argc - 2, argv + 2);
    if (argc == 3 && strcmp(argv[1], "stray") == 0) return stray(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "dns") == 0) dns_serve(argc - 2, argv + 2);
    puts("usage: nettool listen PORT... | probe tcp|udp|icmp IP [PORT] [--from SRC] [--timeout-ms N] | stray IP | dns NAME=IP[/TTL]...");
    return 4;
}
