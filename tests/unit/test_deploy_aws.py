"""AWS: serverless.yml, SAM/CloudFormation, ECS task definitions, Amplify, App Runner."""
from __future__ import annotations

from deploycheck.project.discover import Source
from deploycheck.project.extract import extract_source


def extract(path: str, text: str):
    return extract_source(path, Source(text, text.encode(), text.count("\n") + 1, None))


def test_serverless():
    text = """\
service: orders
provider:
  name: aws
  runtime: nodejs20.x
  environment:
    TABLE: ${self:service}-${sls:stage}
    STRIPE_KEY: ${ssm:/orders/stripe-key}
    REGION_NAME: eu-west-1
functions:
  api:
    handler: src/api.handler
    environment:
      FROM_SHELL: ${env:FROM_SHELL}
"""
    facts = extract("serverless.yml", text)
    (src,) = facts.env_sources
    s = {x.name: x for x in src.settings}
    assert s["TABLE"].kind == "interpolated" and s["TABLE"].location.line == 6
    assert s["STRIPE_KEY"].kind == "secret-ref"
    assert s["REGION_NAME"].kind == "value"
    assert s["FROM_SHELL"].kind == "interpolated" and s["FROM_SHELL"].location.line == 13
    assert {"AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME"} <= set(src.injected) and not src.opaque
    assert facts.deploy[0].runtime == "node 20"


def test_sam_template():
    text = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Environment:
      Variables:
        LOG_LEVEL: INFO
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Environment:
        Variables:
          TABLE_NAME: !Ref OrdersTable
          DB_SECRET: '{{resolve:secretsmanager:db:SecretString:password}}'
          PLAIN: hello
"""
    facts = extract("template.yaml", text)
    (src,) = facts.env_sources
    s = {x.name: x for x in src.settings}
    assert s["LOG_LEVEL"].kind == "value"
    assert s["TABLE_NAME"].kind == "interpolated" and s["TABLE_NAME"].location.line == 16
    assert s["DB_SECRET"].kind == "secret-ref"
    assert s["PLAIN"].value == "hello"
    assert facts.deploy[0].platform == "aws-sam" and facts.deploy[0].runtime == "python 3.12"


def test_ecs_task_definition_json():
    text = """{
  "family": "web",
  "containerDefinitions": [
    {
      "name": "web",
      "image": "123.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.0",
      "environment": [{ "name": "NODE_ENV", "value": "production" }],
      "secrets": [{ "name": "DATABASE_URL", "valueFrom": "arn:aws:ssm:eu-west-1:123:parameter/db" }],
      "healthCheck": { "command": ["CMD-SHELL", "curl -f http://localhost:3000/health || exit 1"] }
    }
  ]
}
"""
    facts = extract("deploy/task-definition.json", text)
    (src,) = facts.env_sources
    s = {x.name: x for x in src.settings}
    assert s["NODE_ENV"].value == "production" and s["NODE_ENV"].location.line == 7
    assert s["DATABASE_URL"].kind == "secret-ref" and s["DATABASE_URL"].location.line == 8
    (cfg,) = facts.deploy
    assert cfg.platform == "aws-ecs" and cfg.health_path == "/health"
    assert cfg.images[0][0].endswith("web:1.4.0")


def test_amplify():
    text = "version: 1\nfrontend:\n  phases:\n    build:\n      commands:\n        - npm ci\n        - npm run build\n"
    facts = extract("amplify.yml", text)
    assert facts.env_sources[0].opaque and "AWS_BRANCH" in facts.env_sources[0].injected
    assert [(c, loc.line) for c, loc in facts.deploy[0].commands] == [("npm ci", 6), ("npm run build", 7)]


def test_apprunner():
    text = """\
version: 1.0
runtime: python311
build:
  commands:
    build:
      - pip install -r requirements.txt
run:
  runtime-version: 3.11.9
  command: gunicorn app:app
  env:
    - name: APP_ENV
      value: production
  secrets:
    - name: DB_PASSWORD
      value-from: arn:aws:secretsmanager:x
"""
    facts = extract("apprunner.yaml", text)
    s = {x.name: x for x in facts.env_sources[0].settings}
    assert s["APP_ENV"].location.line == 11 and s["DB_PASSWORD"].kind == "secret-ref"
    assert facts.deploy[0].runtime == "python 3.11.9"
