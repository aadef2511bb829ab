import os

import requests


def send_sms(to, body):
    resp = requests.post(
        "https://api.example.com/messages",
        data={"From": os.environ["SMS_FROM_NUMBER"], "To": to, "Body": body},
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()
