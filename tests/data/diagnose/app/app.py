from flask import Flask, request

from services.sms import send_sms

app = Flask(__name__)


@app.post("/book")
def book():
    send_sms(request.json["phone"], "Booked!")
    return {"ok": True}
