"""A small support bot: the example of the README's cost audit."""
import anthropic

client = anthropic.Anthropic()


def answer(question):
    return client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=8192,
        messages=[{"role": "user", "content": question}],
    )


def summarise(tickets):
    out = []
    for ticket in tickets:
        out.append(client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=[{"role": "user", "content": ticket}]))
    return out


def classify(text):
    return client.messages.create(model="claude-opus-4-6", max_tokens=20, messages=[{"role": "user", "content": text}])
