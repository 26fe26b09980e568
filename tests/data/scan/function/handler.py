import os
import subprocess


def lambda_handler(event, context):
    name = event["name"]
    cmd = "convert " + name + " out.png"
    os.system(cmd)
    return {"statusCode": 200}
