#!/usr/bin/env python3
"""Writes the test topologies of tests/data/net/<case>/ as AWS CLI JSON.

Each case isolates one semantic rule; its expected.txt was derived by hand
from the AWS documentation (VPC route tables, network ACLs, security groups,
ELB target groups), not from kensa's output. Run from anywhere:
    python3 tests/data/net/gen.py
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from awsshape import *  # noqa: E402,F401,F403

HERE = os.path.dirname(os.path.abspath(__file__))

FILES = {
    "Reservations": "ec2-describe-instances.json",
    "NetworkInterfaces": "ec2-describe-network-interfaces.json",
    "Subnets": "ec2-describe-subnets.json",
    "Vpcs": "ec2-describe-vpcs.json",
    "RouteTables": "ec2-describe-route-tables.json",
    "InternetGateways": "ec2-describe-internet-gateways.json",
    "NatGateways": "ec2-describe-nat-gateways.json",
    "NetworkAcls": "ec2-describe-network-acls.json",
    "SecurityGroups": "ec2-describe-security-groups.json",
    "PrefixLists": "ec2-describe-managed-prefix-lists.json",
    "VpcPeeringConnections": "ec2-describe-vpc-peering-connections.json",
    "VpnGateways": "ec2-describe-vpn-gateways.json",
    "VpnConnections": "ec2-describe-vpn-connections.json",
    "LoadBalancers": "elbv2-describe-load-balancers.json",
    "Listeners": "elbv2-describe-listeners.json",
    "TargetGroups": "elbv2-describe-target-groups.json",
}


def nat(nid, subnet_id, vpc_id):
    return {"CreateTime": T0, "NatGatewayAddresses": [{
        "AllocationId": "eipalloc-0123456789abcdef0", "NetworkInterfaceId": "eni-nat",
        "PrivateIp": "10.0.0.5", "PublicIp": "52.0.0.5", "AssociationId": "eipassoc-1",
        "IsPrimary": True, "Status": "succeeded"}], "NatGatewayId": nid, "State": "available",
        "SubnetId": subnet_id, "VpcId": vpc_id, "Tags": tags(nid), "ConnectivityType": "public"}


def write_case(name, kinds, extra=None, skip=()):
    d = os.path.join(HERE, name)
    if os.path.isdir(d):
        for f in os.listdir(d):
            if f.endswith(".json"):
                os.remove(os.path.join(d, f))
    os.makedirs(d, exist_ok=True)
    for key, fname in FILES.items():
        if key in skip:
            continue
        if key == "Reservations":
            dump(os.path.join(d, fname), reservations(kinds.get(key, [])))
        else:
            dump(os.path.join(d, fname), {key: kinds.get(key, [])})
    for fname, obj in (extra or {}).items():
        dump(os.path.join(d, fname), obj)


def inst(iid, subnet_id, ip, groups, public=None, ipv6=(), vpc_id="vpc-1"):
    return instance(iid, subnet_id, vpc_id, ip, groups, public, ipv6)


VPC1 = [vpc("vpc-1", "10.0.0.0/16")]
IGW1 = [igw("igw-1", "vpc-1")]
L = "local"


def case_route_main():
    write_case("route-main", {
        "Vpcs": VPC1, "InternetGateways": IGW1,
        "Subnets": [subnet("subnet-a", "vpc-1", "10.0.1.0/24"),
                    subnet("subnet-b", "vpc-1", "10.0.2.0/24")],
        "NatGateways": [nat("nat-1", "subnet-b", "vpc-1")],
        "RouteTables": [
            route_table("rtb-main", "vpc-1", [route("10.0.0.0/16", L),
                                              route("0.0.0.0/0", "igw-1")], main=True),
            route_table("rtb-a", "vpc-1", [route("10.0.0.0/16", L),
                                           route("0.0.0.0/0", "nat-1")], ["subnet-a"])],
        "NetworkAcls": [allow_all_acl("acl-1", "vpc-1", ["subnet-a", "subnet-b"])],
        "SecurityGroups": [sg("sg-ssh", "vpc-1", [perm("tcp", (22, 22), ["0.0.0.0/0"])])],
        "Reservations": [inst("i-a1", "subnet-a", "10.0.1.10", ["sg-ssh"], "54.0.0.1"),
                         inst("i-b1", "subnet-b", "10.0.2.10", ["sg-ssh"], "54.0.0.2")],
    })


def case_route_lpm():
    write_case("route-lpm", {
        "Vpcs": VPC1, "InternetGateways": IGW1,
        "Subnets": [subnet("subnet-a", "vpc-1", "10.0.1.0/24"),
                    subnet("subnet-b", "vpc-1", "10.0.2.0/24")],
        "NatGateways": [nat("nat-1", "subnet-a", "vpc-1")],
        "RouteTables": [
            route_table("rtb-main", "vpc-1", [route("10.0.0.0/16", L)], main=True),
            route_table("rtb-a", "vpc-1", [route("10.0.0.0/16", L), route("0.0.0.0/0", "igw-1"),
                                           route("198.51.100.0/24", "nat-1")], ["subnet-a"]),
            route_table("rtb-b", "vpc-1", [route("10.0.0.0/16", L), route("0.0.0.0/0", "nat-1"),
                                           route("203.0.113.0/24", "igw-1")], ["subnet-b"])],
        "NetworkAcls": [allow_all_acl("acl-1", "vpc-1", ["subnet-a", "subnet-b"])],
        "SecurityGroups": [
            sg("sg-a", "vpc-1", [perm("tcp", (22, 22), ["198.51.100.0/24"]),
                                 perm("tcp", (80, 80), ["0.0.0.0/0"])]),
            sg("sg-b", "vpc-1", [perm("tcp", (443, 443), ["203.0.113.0/24"]),
                                 perm("tcp", (8443, 8443), ["192.0.2.0/24"])])],
        "Reservations": [inst("i-a", "subnet-a", "10.0.1.10", ["sg-a"], "54.0.0.1"),
                         inst("i-b", "subnet-b", "10.0.2.10", ["sg-b"], "54.0.0.2")],
    })


def case_public_ip():
    write_case("public-ip", {
        "Vpcs": [vpc("vpc-1", "10.0.0.0/16", "2600:1f18:1:100::/56")],
        "InternetGateways": IGW1,
        "Subnets": [subnet("subnet-a", "vpc-1", "10.0.1.0/24", ipv6="2600:1f18:1:101::/64"),
                    subnet("subnet-c", "vpc-1", "10.0.3.0/24", ipv6="2600:1f18:1:103::/64")],
        "RouteTables": [
            route_table("rtb-main", "vpc-1", [route("10.0.0.0/16", L)], main=True),
            route_table("rtb-a", "vpc-1", [route("10.0.0.0/16", L), route("0.0.0.0/0", "igw-1"),
                                           route("::/0", "igw-1")], ["subnet-a"]),
            route_table("rtb-c", "vpc-1", [route("10.0.0.0/16", L), route("0.0.0.0/0", "igw-1"),
                                           route("::/0", "eigw-1")], ["subnet-c"])],
        "NetworkAcls": [acl("acl-1", "vpc-1", [
            acl_entry(100, False, "allow"), acl_entry(101, False, "allow", cidr="::/0"),
            acl_entry(100, True, "allow"), acl_entry(101, True, "allow", cidr="::/0")],
            ["subnet-a", "subnet-c"], True)],
        "SecurityGroups": [sg("sg-pub", "vpc-1", [perm("tcp", (22, 22), ["0.0.0.0/0"]),
                                                  perm("tcp", (2222, 2222), cidrs6=["::/0"])])],
        "Reservations": [
            inst("i-nopub", "subnet-a", "10.0.1.10", ["sg-pub"]),
            inst("i-eip", "subnet-a", "10.0.1.11", ["sg-pub"], "3.3.3.3"),
            inst("i-v6", "subnet-a", "10.0.1.12", ["sg-pub"], None, ["2600:1f18:1:101::12"]),
            inst("i-v6eo", "subnet-c", "10.0.3.12", ["sg-pub"], None, ["2600:1f18:1:103::12"])],
    })


PUB = {"Vpcs": VPC1, "InternetGateways": IGW1}


def pub_routes(subnets):
    return [route_table("rtb-main", "vpc-1", [route("10.0.0.0/16", L)], main=True),
            route_table("rtb-pub", "vpc-1", [route("10.0.0.0/16", L),
                                             route("0.0.0.0/0", "igw-1")], subnets)]


def case_nacl_order():
    write_case("nacl-order", dict(PUB, **{
        "Subnets": [subnet("subnet-a", "vpc-1", "10.0.1.0/24"),
                    subnet("subnet-b", "vpc-1", "10.0.2.0/24")],
        "RouteTables": pub_routes(["subnet-a", "subnet-b"]),
        "NetworkAcls": [
            acl("acl-a", "vpc-1", [acl_entry(90, False, "deny", "6", ports=(22, 22)),
                                   acl_entry(100, False, "allow"),
                                   acl_entry(110, False, "deny", "6", ports=(80, 80)),
                                   acl_entry(100, True, "allow")], ["subnet-a"]),
            acl("acl-b", "vpc-1", [acl_entry(100, False, "allow", "6", ports=(443, 443)),
                                   acl_entry(100, True, "allow")], ["subnet-b"]),
            allow_all_acl("acl-def", "vpc-1", [])],
        "SecurityGroups": [sg("sg-web", "vpc-1", [perm("tcp", (22, 22), ["0.0.0.0/0"]),
                                                  perm("tcp", (80, 80), ["0.0.0.0/0"]),
                                                  perm("tcp", (443, 443), ["0.0.0.0/0"])])],
        "Reservations": [inst("i-a", "subnet-a", "10.0.1.10", ["sg-web"], "54.0.0.1"),
                         inst("i-b", "subnet-b", "10.0.2.10", ["sg-web"], "54.0.0.2")],
    }))


def case_nacl_return():
    write_case("nacl-return", dict(PUB, **{
        "Subnets": [subnet("subnet-a", "vpc-1", "10.0.1.0/24"),
                    subnet("subnet-b", "vpc-1", "10.0.2.0/24"),
                    subnet("subnet-c", "vpc-1", "10.0.3.0/24")],
        "RouteTables": pub_routes(["subnet-a", "subnet-b", "subnet-c"]),
        "NetworkAcls": [
            acl("acl-a", "vpc-1", [acl_entry(100, False, "allow"),
                                   acl_entry(100, True, "allow", "6", ports=(0, 1023))],
                ["subnet-a"]),
            acl("acl-b", "vpc-1", [acl_entry(100, False, "allow"),
                                   acl_entry(100, True, "allow", "6", ports=(1024, 65535))],
                ["subnet-b"]),
            acl("acl-c", "vpc-1", [acl_entry(100, False, "allow"),
                                   acl_entry(100, True, "allow", "6", "10.0.0.0/8",
                                             ports=(1024, 65535))], ["subnet-c"]),
            allow_all_acl("acl-def", "vpc-1", [])],
        "SecurityGroups": [sg("sg-ssh", "vpc-1", [perm("tcp", (22, 22), ["0.0.0.0/0"])])],
        "Reservations": [inst("i-a", "subnet-a", "10.0.1.10", ["sg-ssh"], "54.0.0.1"),
                         inst("i-b", "subnet-b", "10.0.2.10", ["sg-ssh"], "54.0.0.2"),
                         inst("i-c", "subnet-c", "10.0.3.10", ["sg-ssh"], "54.0.0.3")],
    }))


def case_sg_union():
    write_case("sg-union", dict(PUB, **{
        "Subnets": [subnet("subnet-a", "vpc-1", "10.0.1.0/24")],
        "RouteTables": pub_routes(["subnet-a"]),
        "NetworkAcls": [allow_all_acl("acl-1", "vpc-1", ["subnet-a"])],
        "PrefixLists": [prefix_list("pl-1111", "partners"), prefix_list("pl-2222", "offices")],
        "SecurityGroups": [
            sg("sg-a", "vpc-1", [perm("tcp", (22, 22), ["0.0.0.0/0"]),
                                 perm("tcp", (85, 85), ["0.0.0.0/0"])]),
            sg("sg-b", "vpc-1", [perm("tcp", (80, 90), ["0.0.0.0/0"]),
                                 perm("tcp", (85, 100), ["0.0.0.0/0"])]),
            sg("sg-c", "vpc-1", [perm("tcp", (443, 443), pls=["pl-1111"]),
                                 perm("tcp", (8443, 8443), pls=["pl-2222"])]),
            sg("sg-d", "vpc-1", [perm("tcp", (9000, 9000), groups=[("sg-a",)]),
                                 perm("udp", (500, 500), ["10.0.0.0/16"])])],
        "Reservations": [inst("i-u", "subnet-a", "10.0.1.10", ["sg-a", "sg-b", "sg-c", "sg-d"],
                              "54.0.0.1")],
    }), {"get-managed-prefix-list-entries.pl-1111.json": pl_entries(["198.51.100.0/24"])})


def case_proto():
    write_case("proto", dict(PUB, **{
        "Subnets": [subnet("subnet-a", "vpc-1", "10.0.1.0/24"),
                    subnet("subnet-b", "vpc-1", "10.0.2.0/24")],
        "RouteTables": pub_routes(["subnet-a", "subnet-b"]),
        "NetworkAcls": [allow_all_acl("acl-1", "vpc-1", ["subnet-a"]),
                        acl("acl-tcp", "vpc-1", [acl_entry(100, False, "allow", "6",
                                                           ports=(0, 65535)),
                                                 acl_entry(100, True, "allow")], ["subnet-b"])],
        "SecurityGroups": [
            sg("sg-all", "vpc-1", [perm("-1", None, ["0.0.0.0/0"])]),
            sg("sg-icmp", "vpc-1", [perm("icmp", (8, -1), ["0.0.0.0/0"]),
                                    perm("udp", (53, 53), ["0.0.0.0/0"])])],
        "Reservations": [inst("i-all", "subnet-a", "10.0.1.10", ["sg-all"], "54.0.0.1"),
                         inst("i-icmp", "subnet-a", "10.0.1.11", ["sg-icmp"], "54.0.0.2"),
                         inst("i-tcponly", "subnet-b", "10.0.2.10", ["sg-all"], "54.0.0.3")],
    }))


def case_elb():
    write_case("elb", dict(PUB, **{
        "Subnets": [subnet("subnet-pub1", "vpc-1", "10.0.1.0/24"),
                    subnet("subnet-pub2", "vpc-1", "10.0.2.0/24", "us-east-1b"),
                    subnet("subnet-app", "vpc-1", "10.0.10.0/24")],
        "NatGateways": [nat("nat-1", "subnet-pub1", "vpc-1")],
        "RouteTables": [
            route_table("rtb-main", "vpc-1", [route("10.0.0.0/16", L),
                                              route("0.0.0.0/0", "nat-1")], main=True),
            route_table("rtb-pub", "vpc-1", [route("10.0.0.0/16", L),
                                             route("0.0.0.0/0", "igw-1")],
                        ["subnet-pub1", "subnet-pub2"])],
        "NetworkAcls": [allow_all_acl("acl-1", "vpc-1",
                                      ["subnet-pub1", "subnet-pub2", "subnet-app"])],
        "SecurityGroups": [
            sg("sg-alb", "vpc-1", [perm("tcp", (443, 443), ["0.0.0.0/0"])]),
            sg("sg-app1", "vpc-1", [perm("tcp", (8080, 8080), groups=[("sg-alb",)]),
                                    perm("tcp", (8081, 8081), ["10.0.0.0/16"])]),
            sg("sg-app3", "vpc-1", [perm("tcp", (22, 22), ["0.0.0.0/0"])]),
            sg("sg-app4", "vpc-1", [perm("tcp", (22, 22), ["10.0.0.0/16"])])],
        "Reservations": [inst("i-app1", "subnet-app", "10.0.10.11", ["sg-app1"]),
                         inst("i-app2", "subnet-app", "10.0.10.12", ["sg-app1"]),
                         inst("i-app3", "subnet-app", "10.0.10.13", ["sg-app3"]),
                         inst("i-app4", "subnet-app", "10.0.10.14", ["sg-app4"])],
        "LoadBalancers": [
            load_balancer("alb-web", "vpc-1", ["subnet-pub1", "subnet-pub2"], ["sg-alb"]),
            load_balancer("alb-int", "vpc-1", ["subnet-pub1"], ["sg-alb"], "internal"),
            load_balancer("nlb-ssh", "vpc-1", ["subnet-pub1"], None, kind="network")],
        "Listeners": [listener("alb-web", 443, "HTTPS", ["tg-web"], idx=0),
                      listener("alb-web", 80, "HTTP", ["tg-web"], idx=1),
                      listener("alb-int", 443, "HTTPS", ["tg-int"], idx=2),
                      listener("nlb-ssh", 22, "TCP", ["tg-ssh"], "net", idx=3)],
        "TargetGroups": [target_group("tg-web", "vpc-1", 8080, lbs=[lb_arn("alb-web")]),
                         target_group("tg-int", "vpc-1", 8080, lbs=[lb_arn("alb-int")]),
                         target_group("tg-ssh", "vpc-1", 22, "TCP", [lb_arn("nlb-ssh", "net")])],
    }), {"elbv2-describe-target-health.tg-web.json":
         target_health([("i-app1", 8080), ("i-app2", 8081)]),
         "elbv2-describe-target-health.tg-int.json": target_health([("i-app1", 8080)]),
         "elbv2-describe-target-health.tg-ssh.json":
         target_health([("i-app3", 22), ("i-app4", 22)])})


def case_peer_vpn():
    write_case("peer-vpn", {
        "Vpcs": [vpc("vpc-1", "10.0.0.0/16"), vpc("vpc-2", "172.31.0.0/16"),
                 vpc("vpc-3", "10.99.0.0/16")],
        "InternetGateways": IGW1,
        "Subnets": [subnet("subnet-a", "vpc-1", "10.0.1.0/24")],
        "NatGateways": [nat("nat-1", "subnet-a", "vpc-1")],
        "RouteTables": [
            route_table("rtb-main", "vpc-1", [route("10.0.0.0/16", L)], main=True),
            route_table("rtb-a", "vpc-1", [
                route("10.0.0.0/16", L), route("172.31.0.0/16", "pcx-1"),
                route("10.99.0.0/16", "pcx-2"),
                route("192.168.100.0/24", "vgw-1", origin="EnableVgwRoutePropagation"),
                route("192.168.50.0/24", "vgw-2"),
                route("0.0.0.0/0", "nat-1")], ["subnet-a"])],
        "NetworkAcls": [allow_all_acl("acl-1", "vpc-1", ["subnet-a"])],
        "VpcPeeringConnections": [
            peering("pcx-1", "vpc-1", "10.0.0.0/16", "vpc-2", "172.31.0.0/16"),
            peering("pcx-2", "vpc-1", "10.0.0.0/16", "vpc-3", "10.99.0.0/16",
                    "pending-acceptance")],
        "VpnGateways": [vgw("vgw-1", "vpc-1"), vgw("vgw-2", "vpc-1")],
        "VpnConnections": [vpn("vpn-1", "vgw-1", ["192.168.100.0/24"]),
                           vpn("vpn-2", "vgw-2", ["192.168.50.0/24"], "deleted")],
        "SecurityGroups": [
            sg("sg-db", "vpc-1", [perm("tcp", (5432, 5432), ["172.31.0.0/16"]),
                                  perm("tcp", (3306, 3306), groups=[("sg-peer", "vpc-2", "pcx-1")]),
                                  perm("tcp", (22, 22), ["192.168.100.0/24"]),
                                  perm("tcp", (8080, 8080), ["192.168.200.0/24"]),
                                  perm("tcp", (6379, 6379), ["10.99.0.0/16"]),
                                  perm("tcp", (2049, 2049), ["192.168.50.0/24"])]),
            sg("sg-peer", "vpc-2", [])],
        "Reservations": [inst("i-db", "subnet-a", "10.0.1.10", ["sg-db"])],
    })


def case_nacl_file():
    kinds = dict(PUB, **{
        "Subnets": [subnet("subnet-a", "vpc-1", "10.0.1.0/24")],
        "RouteTables": pub_routes(["subnet-a"]),
        "NetworkAcls": [acl("acl-a", "vpc-1", [acl_entry(100, False, "deny", "6", ports=(22, 22)),
                                               acl_entry(200, False, "allow"),
                                               acl_entry(100, True, "allow")], ["subnet-a"], True)],
        "SecurityGroups": [sg("sg-web", "vpc-1", [perm("tcp", (22, 22), ["0.0.0.0/0"]),
                                                  perm("tcp", (80, 80), ["0.0.0.0/0"])])],
        "Reservations": [inst("i-w", "subnet-a", "10.0.1.10", ["sg-web"], "54.0.0.1")],
    })
    write_case("nacl-present", kinds)
    write_case("nacl-absent", kinds, skip=("NetworkAcls",))


if __name__ == "__main__":
    for fn in [case_route_main, case_route_lpm, case_public_ip, case_nacl_order,
               case_nacl_return, case_sg_union, case_proto, case_elb, case_peer_vpn,
               case_nacl_file]:
        fn()
