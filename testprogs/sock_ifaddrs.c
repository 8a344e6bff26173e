/*
 * sock_ifaddrs.c - what a program learns of the machine's interfaces:
 * getifaddrs (an rtnetlink dump of links and addresses), if_nameindex,
 * if_nametoindex, the SIOCGIF* ioctls, and a raw NETLINK_ROUTE dump.
 * Each line about an interface starts with its name, so a run on a
 * machine with more interfaces than lo can be compared on lo's lines.
 */
#include "sock_common.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/ioctl.h>

/* The rtnetlink layouts (musl has no kernel headers). */
#define NETLINK_ROUTE 0
#define NLM_F_REQUEST 1
#define NLM_F_ACK 4
#define NLM_F_DUMP 0x300
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define RTM_NEWLINK 16
#define RTM_GETADDR 22
struct nlmsghdr {
    unsigned int nlmsg_len;
    unsigned short nlmsg_type, nlmsg_flags;
    unsigned int nlmsg_seq, nlmsg_pid;
};
struct sockaddr_nl {
    unsigned short nl_family, nl_pad;
    unsigned int nl_pid, nl_groups;
};
struct ifaddrmsg {
    unsigned char ifa_family, ifa_prefixlen, ifa_flags, ifa_scope;
    unsigned int ifa_index;
};
struct ifinfomsg {
    unsigned char ifi_family, pad;
    unsigned short ifi_type;
    int ifi_index;
    unsigned int ifi_flags, ifi_change;
};
#define NL_ALIGN(n) (((n) + 3u) & ~3u)

static const char *addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
    if (!sa)
        return "-";
    if (sa->sa_family == AF_INET)
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)len);
    if (sa->sa_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)len);
    snprintf(buf, len, "family %d", sa->sa_family);
    return buf;
}

static void ifaddrs(void)
{
    struct ifaddrs *list;
    CHECK(getifaddrs(&list) == 0, 2);
    for (struct ifaddrs *i = list; i; i = i->ifa_next) {
        char a[64], m[64];
        printf("%s getifaddrs: flags %#x addr %s netmask %s\n", i->ifa_name, i->ifa_flags & 0xffff,
               addr_text(i->ifa_addr, a, sizeof a), addr_text(i->ifa_netmask, m, sizeof m));
    }
    freeifaddrs(list);
    struct if_nameindex *ni = if_nameindex();
    for (struct if_nameindex *p = ni; p && p->if_index; p++)
        printf("%s if_nameindex: index %u\n", p->if_name, p->if_index);
    if_freenameindex(ni);
    char name[IF_NAMESIZE] = {0};
    printf("lo if_nametoindex: %u, if_indextoname(1): %s\n", if_nametoindex("lo"), if_indextoname(1, name));
    printf("if_nametoindex of none: %u\n", if_nametoindex("nosuch0"));
}

static void ioctls(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "lo");
    show("lo SIOCGIFFLAGS", ioctl(fd, SIOCGIFFLAGS, &r));
    printf("lo flags %#x\n", (unsigned)(r.ifr_flags & 0xffff));
    show("lo SIOCGIFMTU", ioctl(fd, SIOCGIFMTU, &r));
    printf("lo mtu %d\n", r.ifr_mtu);
    show("lo SIOCGIFINDEX", ioctl(fd, SIOCGIFINDEX, &r));
    printf("lo index %d\n", r.ifr_ifindex);
    char a[64];
    show("lo SIOCGIFADDR", ioctl(fd, SIOCGIFADDR, &r));
    printf("lo address %s\n", addr_text(&r.ifr_addr, a, sizeof a));
    show("lo SIOCGIFNETMASK", ioctl(fd, SIOCGIFNETMASK, &r));
    printf("lo netmask %s\n", addr_text(&r.ifr_netmask, a, sizeof a));
    strcpy(r.ifr_name, "nosuch0");
    show("SIOCGIFFLAGS of none", ioctl(fd, SIOCGIFFLAGS, &r));
    struct ifreq reqs[16];
    struct ifconf ic = {.ifc_len = sizeof reqs, .ifc_req = reqs};
    show("SIOCGIFCONF", ioctl(fd, SIOCGIFCONF, &ic));
    for (int i = 0; i < ic.ifc_len / (int)sizeof reqs[0]; i++)
        printf("%s SIOCGIFCONF: %s\n", reqs[i].ifr_name, addr_text(&reqs[i].ifr_addr, a, sizeof a));
    show("TCGETS on a socket", ioctl(fd, TCGETS, &r));
    close(fd);
}

/* A dump of RTM_GETADDR for family, by hand: each address's interface
 * index, family and prefix. */
static void raw_dump(int family)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    struct sockaddr_nl me = {.nl_family = AF_NETLINK};
    socklen_t ml = sizeof me;
    show("netlink bind", bind(fd, (struct sockaddr *)&me, sizeof me));
    getsockname(fd, (struct sockaddr *)&me, &ml);
    printf("portid is the pid: %d\n", me.nl_pid == (unsigned)getpid());
    struct {
        struct nlmsghdr h;
        struct ifaddrmsg a;
    } req = {{sizeof req, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 42, 0}, {(unsigned char)family, 0, 0, 0, 0}};
    show("send dump request", send(fd, &req, sizeof req, 0));
    char buf[8192];
    for (int done = 0; !done;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        CHECK(n > 0, 3);
        for (size_t off = 0; off + sizeof(struct nlmsghdr) <= (size_t)n;) {
            struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
            if (h->nlmsg_len < sizeof *h || h->nlmsg_len > (size_t)n - off)
                break;
            off += NL_ALIGN(h->nlmsg_len);
            if (h->nlmsg_type == NLMSG_DONE) {
                printf("done, seq %u, to me %d\n", h->nlmsg_seq, h->nlmsg_pid == me.nl_pid);
                done = 1;
                break;
            }
            struct ifaddrmsg *ia = (struct ifaddrmsg *)(h + 1);
            char name[IF_NAMESIZE] = "?";
            if_indextoname(ia->ifa_index, name);
            printf("%s RTM_NEWADDR: family %d prefix %d scope %d\n", name, ia->ifa_family, ia->ifa_prefixlen,
                   ia->ifa_scope);
        }
    }
    struct {
        struct nlmsghdr h;
        struct ifinfomsg i;
    } bad = {{sizeof bad, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 43, 0}, {0}};
    send(fd, &bad, sizeof bad, 0);
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    if (n > 0 && h->nlmsg_type == NLMSG_ERROR)
        printf("RTM_NEWLINK: an error %d\n", *(int *)(h + 1) != 0);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    ifaddrs();
    ioctls();
    raw_dump(AF_UNSPEC);
    raw_dump(AF_INET6);
    return 0;
}
