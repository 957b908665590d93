"""The baseline: a bare Flask endpoint, served by the same gunicorn configuration."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.post("/bare")
def bare():
    return jsonify(ok=True)
