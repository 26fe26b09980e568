#!/usr/bin/env python3
"""Generates an AWS estate as the AWS CLI prints it (indent 4, every field):
    net_estate.py OUTDIR [SCALE]
SCALE 1.0 = 10,000 instances, 2,000 security groups, 500 subnets, 100 load
balancers (plus their listeners, target groups and target health), 10 VPCs
with route tables, NACLs, gateways, peering and a VPN. Deterministic (seeded)."""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "data", "net"))
from awsshape import *  # noqa: E402,F401,F403

out = sys.argv[1]
scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
rnd = random.Random(42)
N_INST, N_SG, N_SUB, N_LB = (int(10000 * scale), int(2000 * scale), max(10, int(500 * scale)),
                             max(2, int(100 * scale)))
N_VPC = 10
os.makedirs(out, exist_ok=True)


def hexid(prefix, i):
    return "%s-%017x" % (prefix, 0x0a00000000000000 + i)


vpcs = [vpc(hexid("vpc", v), "10.%d.0.0/16" % v) for v in range(N_VPC)]
igws = [igw(hexid("igw", v), vpcs[v]["VpcId"]) for v in range(N_VPC)]
subnets, rtbs, acls = [], [], []
for v in range(N_VPC):
    vid = vpcs[v]["VpcId"]
    per = N_SUB // N_VPC
    subs = [subnet(hexid("subnet", v * 1000 + s), vid, "10.%d.%d.0/24" % (v, s),
                   "us-east-1" + "abc"[s % 3], public=s % 2 == 0) for s in range(per)]
    subnets += subs
    pub = [s["SubnetId"] for s in subs if s["MapPublicIpOnLaunch"]]
    priv = [s["SubnetId"] for s in subs if not s["MapPublicIpOnLaunch"]]
    rtbs.append(route_table(hexid("rtb", v * 10), vid, [route("10.%d.0.0/16" % v, "local"),
                                                        route("0.0.0.0/0", hexid("nat", v))],
                            main=True))
    for k in range(5):  # public tables with a few extra routes
        rs = [route("10.%d.0.0/16" % v, "local"), route("0.0.0.0/0", igws[v]["InternetGatewayId"]),
              route("198.51.%d.0/24" % (100 + k), hexid("nat", v))]
        if v == 0:
            rs.append(route("10.100.0.0/16", hexid("pcx", 1)))
            rs.append(route("192.168.%d.0/24" % k, hexid("vgw", 0), origin="EnableVgwRoutePropagation"))
        rtbs.append(route_table(hexid("rtb", v * 10 + 1 + k), vid, rs, pub[k::5]))
    acls.append(allow_all_acl(hexid("acl", v * 10), vid, priv, True))
    for k in range(4):
        ents = [acl_entry(50 + k, False, "deny", "6", "203.0.113.0/24", (0, 65535)),
                acl_entry(100, False, "allow", "6", ports=(22, 22)),
                acl_entry(110, False, "allow", "6", ports=(80, 80)),
                acl_entry(120, False, "allow", "6", ports=(443, 443)),
                acl_entry(130, False, "allow", "6", ports=(1024, 65535)),
                acl_entry(140, False, "allow", "17", ports=(53, 53)),
                acl_entry(150, False, "deny", "6", ports=(3389, 3389)),
                acl_entry(200, False, "allow", "-1", "10.0.0.0/8"),
                acl_entry(100, True, "allow", "6", ports=(1024, 65535)),
                acl_entry(110, True, "allow", "-1", "10.0.0.0/8")]
        acls.append(acl(hexid("acl", v * 10 + 1 + k), vid, ents, pub[k::4]))

pls = [prefix_list(hexid("pl", 1), "partners"), prefix_list(hexid("pl", 2), "offices")]
sgs = []
for g in range(N_SG):
    v = g % N_VPC
    perms = []
    for r in range(rnd.randint(3, 7)):
        kind = rnd.random()
        port = rnd.choice([22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9000, 27017])
        if kind < 0.3:
            perms.append(perm("tcp", (port, port), ["0.0.0.0/0"]))
        elif kind < 0.5:
            perms.append(perm("tcp", (port, port + rnd.choice([0, 10, 100])),
                              ["%d.%d.%d.0/24" % (rnd.randint(1, 223), rnd.randint(0, 255),
                                                  rnd.randint(0, 255))]))
        elif kind < 0.65:
            perms.append(perm("tcp", (port, port), ["10.%d.0.0/16" % v]))
        elif kind < 0.75:
            perms.append(perm("udp", (53, 53), ["0.0.0.0/0"], ["::/0"]))
        elif kind < 0.85:
            perms.append(perm("tcp", (port, port), groups=[(hexid("sg", rnd.randrange(N_SG)),)]))
        elif kind < 0.9:
            perms.append(perm("tcp", (port, port), pls=[pls[rnd.randrange(2)]["PrefixListId"]]))
        elif kind < 0.93:
            perms.append(perm("-1", None, ["10.0.0.0/8"]))
        else:
            perms.append(perm("icmp", (8, -1), ["0.0.0.0/0"]))
    sgs.append(sg(hexid("sg", g), vpcs[v]["VpcId"], perms))

insts = []
for i in range(N_INST):
    v = i % N_VPC
    per = N_SUB // N_VPC
    s = subnets[v * per + rnd.randrange(per)]
    ip = "10.%d.%s.%d" % (v, s["CidrBlock"].split(".")[2], 10 + i % 240)
    groups = [hexid("sg", v + N_VPC * rnd.randrange(N_SG // N_VPC))
              for _ in range(rnd.randint(1, 3))]
    pub = "54.%d.%d.%d" % (i // 65536, (i // 256) % 256, i % 256) if s["MapPublicIpOnLaunch"] \
        and rnd.random() < 0.7 else None
    insts.append(instance(hexid("i", i), s["SubnetId"], s["VpcId"], ip, sorted(set(groups)), pub))

lbs, listeners, tgs, health = [], [], [], {}
for b in range(N_LB):
    v = b % N_VPC
    per = N_SUB // N_VPC
    subs = [subnets[v * per + k]["SubnetId"] for k in (0, 2)]
    name = "lb-%03d" % b
    net = b % 5 == 0
    lbs.append(load_balancer(name, vpcs[v]["VpcId"], subs,
                             None if net else [hexid("sg", v + N_VPC * (b % (N_SG // N_VPC)))],
                             "internal" if b % 4 == 3 else "internet-facing",
                             "network" if net else "application"))
    tgname = "tg-%03d" % b
    tgs.append(target_group(tgname, vpcs[v]["VpcId"], 8080, "TCP" if net else "HTTP",
                            [lb_arn(name, "net" if net else "app")]))
    listeners.append(listener(name, 443, "TLS" if net else "HTTPS", [tgname],
                              "net" if net else "app", b))
    members = [insts[k]["InstanceId"] for k in range(v, N_INST, N_VPC)][b // N_VPC::10][:20]
    health[tgname] = target_health([(m, 8080) for m in members])

pcx = [peering(hexid("pcx", 1), vpcs[0]["VpcId"], "10.0.0.0/16", vpcs[1]["VpcId"],
               "10.1.0.0/16")]
vgws = [vgw(hexid("vgw", 0), vpcs[0]["VpcId"])]
vpns = [vpn(hexid("vpn", 0), hexid("vgw", 0), ["192.168.0.0/24"])]

dump(os.path.join(out, "describe-instances.json"), reservations(insts))
dump(os.path.join(out, "describe-vpcs.json"), {"Vpcs": vpcs})
dump(os.path.join(out, "describe-subnets.json"), {"Subnets": subnets})
dump(os.path.join(out, "describe-route-tables.json"), {"RouteTables": rtbs})
dump(os.path.join(out, "describe-internet-gateways.json"), {"InternetGateways": igws})
dump(os.path.join(out, "describe-network-acls.json"), {"NetworkAcls": acls})
dump(os.path.join(out, "describe-security-groups.json"), {"SecurityGroups": sgs})
dump(os.path.join(out, "describe-managed-prefix-lists.json"), {"PrefixLists": pls})
dump(os.path.join(out, "get-managed-prefix-list-entries.%s.json" % pls[0]["PrefixListId"]),
     pl_entries(["198.51.100.0/24", "203.0.113.0/25"]))
dump(os.path.join(out, "describe-vpc-peering-connections.json"), {"VpcPeeringConnections": pcx})
dump(os.path.join(out, "describe-vpn-gateways.json"), {"VpnGateways": vgws})
dump(os.path.join(out, "describe-vpn-connections.json"), {"VpnConnections": vpns})
dump(os.path.join(out, "describe-load-balancers.json"), {"LoadBalancers": lbs})
dump(os.path.join(out, "describe-listeners.json"), {"Listeners": listeners})
dump(os.path.join(out, "describe-target-groups.json"), {"TargetGroups": tgs})
for name, h in health.items():
    dump(os.path.join(out, "describe-target-health.%s.json" % name), h)
