# A DynamoDB Streams handler, exactly as it would run on AWS Lambda: each
# change of the `visits` table arrives as a stream record (keys, and the item
# before and after, as the NEW_AND_OLD_IMAGES stream keeps them) and is
# logged on one line, which `verge logs onVisit` and the dev terminal show.
#   aws dynamodb put-item --table-name visits --item '{"id":{"S":"home"},"hits":{"N":"1"}}'


def plain(image):
    """An item's attributes without their DynamoDB types: {"hits": "1"}."""
    return {name: next(iter(value.values())) for name, value in (image or {}).items()}


def handler(event, context):
    for record in event["Records"]:
        change = record["dynamodb"]
        key = plain(change["Keys"])
        line = f"{record['eventName']} {key}"
        if "OldImage" in change:
            line += f" was {plain(change['OldImage'])}"
        if "NewImage" in change:
            line += f" now {plain(change['NewImage'])}"
        if record.get("userIdentity", {}).get("type") == "Service":
            line += " (expired: removed by TTL)"
        print(line)
