"""Text constants of the deterministic seed (ThaiBev Group call-center data).

These values are *data*: the seeded random generator picks from them by index, so every
list must keep the original wording and order (contract analytics.md §7.1). Source of the
values: ``lib/db/seed-data.ts`` of the original application; the fixed user, feed and share
texts come from the recorded reference database.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class TextTemplate(NamedTuple):
    """An alert or trending-topic template: text plus the BU/category it belongs to."""

    title: str
    description: str
    business_unit: str
    category: str


# --------------------------------------------------------------------------------------
# Business units, channels, categories
# --------------------------------------------------------------------------------------

BUSINESS_UNITS: Final[tuple[str, ...]] = (
    "Beer & Spirits",
    "Non-Alcoholic Beverages",
    "Oishi Beverages",
    "Oishi Restaurants",
    "KFC Delivery",
    "KFC Restaurants",
    "KFC Loyalty",
    "Corporate & Events",
)

# Weighted distribution (out of 100), in declaration order.
BU_WEIGHTS: Final[tuple[tuple[str, int], ...]] = (
    ("Beer & Spirits", 8),
    ("Non-Alcoholic Beverages", 10),
    ("Oishi Beverages", 12),
    ("Oishi Restaurants", 15),
    ("KFC Delivery", 22),
    ("KFC Restaurants", 18),
    ("KFC Loyalty", 8),
    ("Corporate & Events", 7),
)

CHANNELS: Final[tuple[str, ...]] = ("phone", "email", "line", "web")

CASE_STATUSES: Final[tuple[str, ...]] = ("open", "in_progress", "resolved", "closed")
SEVERITIES: Final[tuple[str, ...]] = ("low", "medium", "high", "critical")
SENTIMENTS_NEGATIVE_CATEGORY: Final[tuple[str, ...]] = (
    "negative",
    "negative",
    "negative",
    "neutral",
    "positive",
)
SENTIMENTS_OTHER_CATEGORY: Final[tuple[str, ...]] = ("positive", "neutral", "neutral", "negative")
NEGATIVE_CATEGORIES: Final[frozenset[str]] = frozenset(
    {"Food Safety", "Order Issues", "Delivery Problems", "Product Quality"}
)
SCENARIO_SENTIMENTS: Final[tuple[str, ...]] = ("negative", "negative", "neutral")
SCENARIO_SEVERITIES: Final[tuple[str, ...]] = ("medium", "high")
ALERT_STATUS_CHOICES: Final[tuple[str, ...]] = ("active", "acknowledged")

CATEGORIES: Final[tuple[str, ...]] = (
    "Order Issues",
    "Product Quality",
    "Delivery Problems",
    "Payment & Billing",
    "App & Technical",
    "Loyalty & Rewards",
    "Restaurant Experience",
    "Promotions & Pricing",
    "Product Availability",
    "Feedback & Suggestions",
    "Corporate & Bulk Orders",
    "Food Safety",
)

SUBCATEGORIES: Final[dict[str, tuple[str, ...]]] = {
    "Order Issues": ("Wrong Order", "Missing Items", "Late Delivery", "Order Cancellation"),
    "Product Quality": ("Damaged Product", "Expired Product", "Taste Complaint", "Foreign Object"),
    "Delivery Problems": ("Driver Not Found", "Wrong Address", "Cold Food", "Spilled Items"),
    "Payment & Billing": ("Overcharge", "Refund Request", "Promo Code Failed", "Double Charge"),
    "App & Technical": ("App Crash", "Login Issues", "Payment Failed", "GPS Error"),
    "Loyalty & Rewards": ("Points Not Added", "Reward Redemption", "Member Upgrade", "Lost Card"),
    "Restaurant Experience": (
        "Long Wait Time",
        "Staff Complaint",
        "Cleanliness",
        "Seating Issues",
    ),
    "Promotions & Pricing": (
        "Price Mismatch",
        "Promo Not Applied",
        "Bundle Issues",
        "Menu Error",
    ),
    "Product Availability": (
        "Out of Stock",
        "Discontinued Item",
        "Limited Edition",
        "Substitution",
    ),
    "Feedback & Suggestions": (
        "Compliment",
        "New Product Request",
        "Service Feedback",
        "Store Feedback",
    ),
    "Corporate & Bulk Orders": (
        "Wholesale Inquiry",
        "Event Catering",
        "Corporate Account",
        "Invoice Issue",
    ),
    "Food Safety": ("Allergic Reaction", "Food Poisoning", "Ingredient Inquiry", "Halal Query"),
}

BU_CATEGORIES: Final[dict[str, tuple[str, ...]]] = {
    "Beer & Spirits": (
        "Product Quality",
        "Delivery Problems",
        "Payment & Billing",
        "Promotions & Pricing",
        "Product Availability",
        "Feedback & Suggestions",
        "Corporate & Bulk Orders",
    ),
    "Non-Alcoholic Beverages": (
        "Product Quality",
        "Delivery Problems",
        "Payment & Billing",
        "Promotions & Pricing",
        "Product Availability",
        "Feedback & Suggestions",
        "Corporate & Bulk Orders",
    ),
    "Oishi Beverages": (
        "Product Quality",
        "Payment & Billing",
        "Promotions & Pricing",
        "Product Availability",
        "Feedback & Suggestions",
        "Food Safety",
    ),
    "Oishi Restaurants": (
        "Order Issues",
        "Product Quality",
        "Payment & Billing",
        "Restaurant Experience",
        "Promotions & Pricing",
        "Feedback & Suggestions",
        "Food Safety",
        "Loyalty & Rewards",
    ),
    "KFC Delivery": (
        "Order Issues",
        "Product Quality",
        "Delivery Problems",
        "Payment & Billing",
        "App & Technical",
        "Promotions & Pricing",
        "Feedback & Suggestions",
        "Food Safety",
    ),
    "KFC Restaurants": (
        "Order Issues",
        "Product Quality",
        "Payment & Billing",
        "Restaurant Experience",
        "Promotions & Pricing",
        "Product Availability",
        "Feedback & Suggestions",
        "Food Safety",
    ),
    "KFC Loyalty": (
        "Loyalty & Rewards",
        "Payment & Billing",
        "App & Technical",
        "Promotions & Pricing",
        "Feedback & Suggestions",
    ),
    "Corporate & Events": (
        "Corporate & Bulk Orders",
        "Payment & Billing",
        "Delivery Problems",
        "Product Availability",
        "Promotions & Pricing",
        "Feedback & Suggestions",
    ),
}

# --------------------------------------------------------------------------------------
# Customer names
# --------------------------------------------------------------------------------------

THAI_FIRST_NAMES: Final[tuple[str, ...]] = (
    "สมชาย", "สมหญิง", "วิชัย", "สุภาพร", "ประเสริฐ", "นิตยา",
    "ชัยวัฒน์", "พรทิพย์", "อนุชา", "ศิริพร", "ธนกร", "กัญญา",
    "ภูมิพัฒน์", "อรุณี", "กิตติ", "มาลี", "วรพงษ์", "สุวรรณา",
    "ณัฐพล", "รัตนา", "เกรียงไกร", "วันดี", "อภิชาติ", "จันทร์เพ็ญ",
    "ธีรพงษ์", "สุมาลี", "วีระ", "นงลักษณ์", "พิชัย", "กรรณิการ์",
)  # fmt: skip

THAI_LAST_NAMES: Final[tuple[str, ...]] = (
    "สุขใจ", "มีชัย", "พงษ์พานิช", "จันทร์เจริญ", "วงศ์สกุล",
    "ศรีสุข", "ธนะวัฒน์", "เจริญกิจ", "รุ่งเรือง", "ทองดี",
    "พิทักษ์", "สมบูรณ์", "วัฒนา", "ศิริ", "พรหมเดช",
    "กิจเจริญ", "ตันติเวชกุล", "สุวรรณ", "ปิยะ", "ชัยยะ",
)  # fmt: skip

ENGLISH_FIRST_NAMES: Final[tuple[str, ...]] = (
    "John", "Sarah", "Michael", "Lisa", "David", "Jennifer",
    "Robert", "Maria", "James", "Anna", "William", "Emily",
    "Richard", "Jessica", "Thomas", "Susan", "Daniel", "Karen",
)  # fmt: skip

ENGLISH_LAST_NAMES: Final[tuple[str, ...]] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller",
    "Davis", "Garcia", "Rodriguez", "Wilson", "Martinez", "Anderson",
    "Taylor", "Thomas", "Hernandez", "Moore", "Martin", "Jackson",
)  # fmt: skip

# --------------------------------------------------------------------------------------
# Products and locations
# --------------------------------------------------------------------------------------

PRODUCTS: Final[dict[str, tuple[str, ...]]] = {
    "Beer & Spirits": (
        "Chang Beer", "Chang Classic", "Chang Export",
        "Mekhong", "Sangsom", "Blend 285", "Hong Thong",
        "Ruang Khao", "Crown 99", "Fed Brandy",
    ),
    "Non-Alcoholic Beverages": (
        "est Cola", "est Play", "Crystal Water", "100 Plus",
        "Jubilee", "F&N", "Sponsor", "Red Bull (ThaiBev)",
    ),
    "Oishi Beverages": (
        "Oishi Green Tea Original", "Oishi Green Tea Honey Lemon",
        "Oishi Green Tea Genmai", "Oishi Gyukaku", "Chakulza",
        "Amino OK", "Oishi Gold", "Oishi Kabusecha",
    ),
    "Oishi Restaurants": (
        "Oishi Grand", "Oishi Buffet", "Shabushi", "Nikuya",
        "Oishi Eaterium", "Oishi Ramen", "Oishi Delivery",
    ),
    "KFC Delivery": (
        "Original Recipe", "Hot & Crispy", "Zinger", "Colonel Burger",
        "Bucket", "Twister", "Popcorn Chicken", "Wings",
        "Nuggets", "Coleslaw", "Mashed Potato", "Biscuit",
    ),
    "KFC Restaurants": (
        "Original Recipe", "Hot & Crispy", "Zinger", "Colonel Burger",
        "Bucket", "Twister", "Popcorn Chicken", "Wings",
        "Nuggets", "Coleslaw", "Mashed Potato", "Biscuit",
        "Breakfast Menu", "Kids Meal", "Value Meal",
    ),
    "KFC Loyalty": (
        "Colonel's Club", "Points", "Free Chicken", "Birthday Reward",
        "Member Exclusive", "VIP Tier", "Premium Member",
    ),
    "Corporate & Events": (
        "Chang Party Pack", "ThaiBev Corporate Gift", "Event Catering Package",
        "Wholesale Order", "Corporate Account", "Exhibition Booth",
    ),
}  # fmt: skip

KFC_BRANCHES: Final[tuple[str, ...]] = (
    "CentralWorld", "Siam Paragon", "Terminal 21 Asok", "MBK Center",
    "Sukhumvit 21", "Silom Complex", "Central Ladprao", "Central Pinklao",
    "Future Park Rangsit", "Mega Bangna", "Central Rama 9", "EmQuartier",
    "Central Eastville", "Seacon Square", "Fashion Island", "The Mall Ngamwongwan",
    "Robinson Sriracha", "Central Pattaya", "Central Korat", "Central Khon Kaen",
)  # fmt: skip

OISHI_BRANCHES: Final[tuple[str, ...]] = (
    "Oishi Grand CentralWorld", "Oishi Grand Siam Paragon", "Oishi Buffet EmQuartier",
    "Oishi Buffet Central Ladprao", "Shabushi Terminal 21", "Shabushi MBK",
    "Nikuya Thonglor", "Nikuya Ari", "Oishi Ramen Central Rama 9",
    "Oishi Eaterium Mega Bangna", "Oishi Buffet Future Park",
)  # fmt: skip

RETAIL_STORES: Final[tuple[str, ...]] = (
    "7-Eleven", "Big C", "Tops", "Lotus's", "Makro", "Villa Market",
    "Central Food Hall", "Gourmet Market", "MaxValu", "FamilyMart",
)  # fmt: skip

# Which location list a BU's cases draw from; BUs not listed have no location (no draw).
BU_LOCATIONS: Final[dict[str, tuple[str, ...]]] = {
    "Beer & Spirits": RETAIL_STORES,
    "Non-Alcoholic Beverages": RETAIL_STORES,
    "Oishi Beverages": RETAIL_STORES,
    "Oishi Restaurants": OISHI_BRANCHES,
    "KFC Delivery": KFC_BRANCHES,
    "KFC Restaurants": KFC_BRANCHES,
    "KFC Loyalty": KFC_BRANCHES,
}

# --------------------------------------------------------------------------------------
# Case summary templates: CASE_SUMMARIES[bu][category]; an empty tuple means the generic
# "Customer reported ... issue with <product>" summary is used instead.
# --------------------------------------------------------------------------------------

CASE_SUMMARIES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "Beer & Spirits": {
        "Order Issues": (),
        "Product Quality": (
            "Chang bottles delivered with damaged caps - {{quantity}} cases",
            "Mekhong gift set arrived with broken seal",
            "Customer reports off-taste in Sangsom batch Lot: {{lot}}",
            "Blend 285 bottle cap was already opened upon delivery",
            "Hong Thong bottle label peeling off - quality concern",
            "Glass bottle chipped at the rim - safety hazard reported",
        ),
        "Delivery Problems": (
            "Beer delivery arrived 2 days late - party already over",
            "Wrong quantity delivered - ordered 5 cases, received 3",
            "Delivery driver could not find the address",
            "Bottles arrived warm - no proper cooling during transport",
            "Corporate order delivered to wrong office location",
        ),
        "Payment & Billing": (
            "Overcharged for promotional bundle - Chang 6-pack",
            "Corporate invoice shows incorrect pricing",
            "Double charge on credit card for whiskey order",
            "Refund not received for returned damaged products",
            "Discount code THAIBEV20 not applied",
        ),
        "App & Technical": (),
        "Loyalty & Rewards": (),
        "Restaurant Experience": (),
        "Promotions & Pricing": (
            'Chang promotion "Buy 2 Get 1" not applied at Big C',
            "Price mismatch between shelf and checkout for Mekhong",
            "Sangsom anniversary bundle advertised but not available",
            "Online price different from in-store at Makro",
            "Promotional gift (glass set) not included with purchase",
        ),
        "Product Availability": (
            "Chang Export sold out across all major retailers",
            "Limited edition Mekhong unavailable since last month",
            "Blend 285 750ml out of stock everywhere in Bangkok",
            "Hong Thong party pack discontinued without notice",
        ),
        "Feedback & Suggestions": (
            "Customer compliments the new Chang Classic packaging",
            "Suggestion to bring back vintage Mekhong bottle design",
            "Request for smaller bottle sizes for sampling",
            "Positive feedback on recent whiskey promotion",
        ),
        "Corporate & Bulk Orders": (
            "Corporate event order inquiry - 50 cases Chang Beer",
            "Wedding catering bulk order - pricing request",
            "Hotel partner requesting revised wholesale pricing",
            "Corporate gift order - Mekhong gift sets x 100",
            "Annual contract renewal inquiry for restaurant chain",
        ),
        "Food Safety": (),
    },
    "Non-Alcoholic Beverages": {
        "Order Issues": (),
        "Product Quality": (
            "est Cola 12-pack missing 2 cans from wholesale order",
            "Crystal Water dispenser leaking at office delivery",
            "100 Plus cans dented in shipped package",
            "Jubilee bottle cap defective - won't open properly",
            "est Cola taste changed - possible formula issue?",
            "Crystal Water bottle found with debris inside",
        ),
        "Delivery Problems": (
            "Water dispenser delivery delayed by 3 days",
            "Office water delivery service skipped this week",
            "Wrong product delivered - ordered Crystal, received est",
            "Delivery truck damaged several cases during transport",
        ),
        "Payment & Billing": (
            "100 Plus promotion - buy 2 get 1 not applied at Big C",
            "Double-charged for monthly water subscription",
            "Corporate account billing discrepancy",
            "Refund pending for returned expired products",
        ),
        "App & Technical": (),
        "Loyalty & Rewards": (),
        "Restaurant Experience": (),
        "Promotions & Pricing": (
            "est Cola 15% discount not reflected at checkout",
            "Crystal Water promotional price expired early",
            "100 Plus bundle deal unclear - customer confused",
            "Sponsor energy drink promo ended without notice",
        ),
        "Product Availability": (
            "Crystal Water 6L bottles out of stock citywide",
            "est Play flavor (grape) discontinued?",
            "100 Plus sugar-free variant hard to find",
            "Jubilee classic flavor not stocked anymore",
        ),
        "Feedback & Suggestions": (
            "Customer loves the new est Cola packaging design",
            "Request for Crystal Water subscription service",
            "Suggestion for more 100 Plus flavors",
            "Positive feedback on delivery service speed",
        ),
        "Corporate & Bulk Orders": (
            "Office water supply contract renewal - 500 units/month",
            "Event catering inquiry - est Cola for conference",
            "Corporate wholesale pricing request for 100 Plus",
            "Hotel bulk order - Crystal Water for rooms",
        ),
        "Food Safety": (),
    },
    "Oishi Beverages": {
        "Order Issues": (),
        "Product Quality": (
            "ชาเขียวขวดมีตะกอน Lot: {{lot}}",
            "Green tea 500ml purchased from 7-11 had strange taste",
            "Oishi Honey Lemon bottle found with mold",
            "Gyukaku beverage tasted fermented",
            "Chakulza bottle cap broken - couldn't open",
            "Amino OK bottle leaked during delivery",
            "Kabusecha tea had unusual color compared to usual",
        ),
        "Delivery Problems": (),
        "Payment & Billing": (
            "Overcharged for Oishi Green Tea multipack",
            "Promo code OISHI20 not working online",
            "Double charge for subscription order",
            "Refund request for expired product purchased",
        ),
        "App & Technical": (),
        "Loyalty & Rewards": (),
        "Restaurant Experience": (),
        "Promotions & Pricing": (
            "Buy 3 Get 1 Free not applied at register",
            "Online exclusive price not honored in store",
            "Loyalty points not added for beverage purchase",
            "Limited edition Sakura flavor sold out instantly",
        ),
        "Product Availability": (
            "Oishi Gold variant always out of stock",
            "Genmai flavor discontinued at local 7-11",
            "Limited edition flavors never available in my area",
            "Gyukaku only sold in Bangkok - want nationwide",
        ),
        "Feedback & Suggestions": (
            "Customer loves the new matcha latte flavor",
            "Request for less sweet version of Honey Lemon",
            "Suggestion for larger bottle sizes",
            "Compliment on sustainable packaging initiative",
        ),
        "Corporate & Bulk Orders": (),
        "Food Safety": (
            "Customer felt unwell after drinking Oishi Green Tea",
            "Allergy concern - does Oishi contain any nuts?",
            "Ingredient inquiry - caffeine content in Gyukaku",
            "Sugar content question for diabetic family member",
        ),
    },
    "Oishi Restaurants": {
        "Order Issues": (
            "Reservation for 10 people at Oishi Grand not honored",
            "Takeaway order missing sashimi platter",
            "Wrong order served at Shabushi - vegetarian got meat",
            "Delivery order arrived incomplete - missing soup base",
            "Online order cancelled without notification",
        ),
        "Product Quality": (
            "Sashimi quality at Nikuya below expected standard",
            "Shabushi soup base tasted diluted today",
            "Oishi Buffet - crab sticks were stale",
            "Fish in buffet smelled off - possible freshness issue",
            "Meat at Nikuya was tough and overcooked",
        ),
        "Delivery Problems": (),
        "Payment & Billing": (
            "Shabushi buffet charged full price for child under 5",
            "Double charge on credit card at Oishi Grand",
            "Bill included items we didn't order",
            "Service charge applied incorrectly",
            "Birthday discount not applied despite showing ID",
        ),
        "App & Technical": (
            "Oishi app crashed during reservation",
            "Cannot log in to Oishi member account",
            "Points not syncing between app and restaurant",
            "Online reservation system showing wrong availability",
        ),
        "Loyalty & Rewards": (
            "Member points not credited after dining",
            "Birthday reward email not received",
            "VIP benefits not applied during visit",
            "Points expired without prior notification",
            "Cannot redeem accumulated points",
        ),
        "Restaurant Experience": (
            "Waited 45 minutes despite having reservation",
            "Staff was rude when asked about ingredients",
            "Restaurant too noisy - couldn't have conversation",
            "Air conditioning not working - very uncomfortable",
            "Tables not cleaned properly before seating",
            "Restroom was dirty and out of soap",
            "Parking full - no space despite early arrival",
        ),
        "Promotions & Pricing": (
            "Line coupon not accepted by restaurant",
            "Buffet price increased without prior notice",
            "Happy hour discount not honored",
            "Group discount not applied for party of 12",
        ),
        "Product Availability": (),
        "Feedback & Suggestions": (
            "Compliment - excellent service at Oishi Grand Paragon",
            "Staff member Khun Somchai was very helpful",
            "Suggestion for more vegetarian options",
            "Request for kids menu at Nikuya",
        ),
        "Corporate & Bulk Orders": (),
        "Food Safety": (
            "Customer experienced stomach issues after buffet",
            "Allergic reaction - asked for no shellfish but received",
            "Question about halal certification",
            "Gluten-free options inquiry",
        ),
    },
    "KFC Delivery": {
        "Order Issues": (
            "ลูกค้าสั่งไก่ทอด 6 ชิ้นแต่ได้รับ 4 ชิ้น",
            "Wrong order - received Original Recipe instead of Hot & Crispy",
            "Order missing Zinger burger despite being on receipt",
            "Customer ordered via app, delivery took 90 minutes",
            "Received someone else's order - wrong address label",
            "Order cancelled automatically without explanation",
            "No cutlery or napkins included in delivery",
            "Wrong combo - ordered Value Meal got regular items",
        ),
        "Product Quality": (
            "Chicken arrived cold and soggy",
            "Zinger was raw inside - very concerning",
            "Mashed potato container was half empty",
            "Coleslaw was watery and tasteless",
            "Biscuit was hard as rock - clearly old",
            "Popcorn chicken pieces were mostly crumbs",
            "Wings were burnt on one side",
        ),
        "Delivery Problems": (
            "Driver marked delivered but never came",
            "Delivery to wrong address despite correct info in app",
            "Driver called but couldn't find location",
            "Food arrived cold - took 2 hours",
            "Drink spilled all over the food",
            "Package was damaged - box crushed",
            "Driver rude and unprofessional",
        ),
        "Payment & Billing": (
            "Charged delivery fee despite free delivery promo",
            "Double charged on credit card",
            "Payment failed but money deducted",
            "Refund not received after 7 days",
            "Promo code KFCFREE not working",
            "Points not added to Colonel's Club account",
        ),
        "App & Technical": (
            "App crash during payment - money gone, no order",
            "Cannot track delivery status in app",
            "GPS showing wrong delivery location",
            "Login issues - password reset not working",
            "App freezes when adding items to cart",
            "Push notifications not working for order updates",
            "Cannot apply promo code in app",
        ),
        "Loyalty & Rewards": (),
        "Restaurant Experience": (),
        "Promotions & Pricing": (
            "Wednesday special discount not applied",
            "Bundle price different from advertised",
            "Flash sale item out of stock immediately",
            "Line coupon rejected at checkout",
            "Combo price increased since last week",
        ),
        "Product Availability": (
            "Original Recipe bucket always sold out",
            "Zinger unavailable at this branch",
            "Limited edition flavor not in delivery menu",
            "Breakfast items not available for delivery",
        ),
        "Feedback & Suggestions": (
            "Compliment - fastest delivery ever, only 20 minutes",
            "Driver Khun Somchai was very polite",
            "Suggestion for more healthy options",
            "Request for smaller portion sizes",
        ),
        "Corporate & Bulk Orders": (),
        "Food Safety": (
            "Found hair in the chicken bucket",
            "Customer felt sick after eating - possible food poisoning",
            "Allergy inquiry - does coating contain peanuts?",
            "Halal certification question",
        ),
    },
    "KFC Restaurants": {
        "Order Issues": (
            "Ordered at counter but order never called",
            "Wrong items in takeaway bag",
            "Self-service kiosk printed wrong order",
            "Drive-thru order missing items",
            "Kids meal missing toy",
        ),
        "Product Quality": (
            "Complaint about cleanliness at Sukhumvit 21 branch",
            "Chicken was undercooked - pink inside",
            "Zinger too spicy compared to usual",
            "Biscuit was stale and hard",
            "Fries were cold and soggy",
            "Drink dispenser not working properly",
        ),
        "Delivery Problems": (),
        "Payment & Billing": (
            "Overcharged at counter - receipt shows wrong items",
            "Card machine declined but payment went through",
            "Change given incorrectly",
            "Receipt not provided despite request",
        ),
        "App & Technical": (),
        "Loyalty & Rewards": (),
        "Restaurant Experience": (
            "Long queue - only 2 counters open during lunch rush",
            "Staff member was impolite",
            "Tables dirty - not cleaned after previous customers",
            "Restroom out of order for 2 weeks",
            "No air conditioning - very hot inside",
            "Music too loud - cannot hear order number",
            "Kid's play area equipment broken",
            "Waiting area seats damaged and uncomfortable",
        ),
        "Promotions & Pricing": (
            "Combo price different from board display",
            "Student discount not honored despite showing ID",
            "Wednesday promo not available at this location",
            "Cashier didn't apply app coupon",
        ),
        "Product Availability": (
            "Original Recipe sold out at 7 PM - too early",
            "Breakfast menu ends too early",
            "Kids meal toy sold out",
            "Popular bundle always unavailable",
        ),
        "Feedback & Suggestions": (
            "Staff at CentralWorld branch exceptional",
            "Clean restaurant - Siam Paragon location",
            "Suggestion for more seating area",
            "Request for extended breakfast hours",
        ),
        "Corporate & Bulk Orders": (),
        "Food Safety": (
            "Found foreign object in food",
            "Customer felt sick after eating",
            "Allergy reaction despite informing staff",
            "Question about calorie information",
        ),
    },
    "KFC Loyalty": {
        "Order Issues": (),
        "Product Quality": (),
        "Delivery Problems": (),
        "Payment & Billing": (
            "Points deducted but reward not received",
            "Charged full price despite using reward",
            "Cannot convert points to voucher",
            "Payment with points failed",
        ),
        "App & Technical": (
            "Colonel's Club app keeps crashing",
            "Cannot link card to account",
            "QR code not scanning at restaurant",
            "Points showing different on app vs receipt",
            "Forgot password - reset link not received",
            "App version incompatible with phone",
        ),
        "Loyalty & Rewards": (
            "Colonel's Club points not credited after purchase of 500 baht",
            "Birthday reward not received this year",
            "Points expired without warning",
            "Cannot redeem free chicken - system error",
            "Membership tier downgrade question",
            "Referral bonus not credited",
            "Double points day not applied",
            "VIP exclusive offer not showing in app",
        ),
        "Restaurant Experience": (),
        "Promotions & Pricing": (
            "Member-exclusive discount not applied",
            "Flash reward sold out in seconds",
            "App coupon rejected at restaurant",
            "Points multiplier event not working",
        ),
        "Product Availability": (),
        "Feedback & Suggestions": (
            "Love the new rewards program",
            "Suggestion for more redemption options",
            "Request for family sharing feature",
            "Compliment on easy point tracking",
        ),
        "Corporate & Bulk Orders": (),
        "Food Safety": (),
    },
    "Corporate & Events": {
        "Order Issues": (),
        "Product Quality": (),
        "Delivery Problems": (
            "Event catering delivered to wrong venue",
            "Wholesale order arrived damaged",
            "Corporate gift delivery delayed",
            "Missing items in bulk shipment",
        ),
        "Payment & Billing": (
            "Corporate account invoice incorrect",
            "Credit terms not applied as agreed",
            "VAT calculation error on invoice",
            "Payment received but not reflected in account",
            "Request for extended payment terms",
        ),
        "App & Technical": (),
        "Loyalty & Rewards": (),
        "Restaurant Experience": (),
        "Promotions & Pricing": (
            "Volume discount not applied to order",
            "Corporate rate expired without notice",
            "Quoted price different from final invoice",
            "Promotional package no longer available",
        ),
        "Product Availability": (
            "Requested quantity not available",
            "Product discontinued for corporate accounts",
            "Seasonal item unavailable for event",
            "Custom packaging lead time too long",
        ),
        "Feedback & Suggestions": (
            "Excellent service for company event",
            "Request for dedicated account manager",
            "Suggestion for corporate loyalty program",
            "Positive feedback on exhibition support",
        ),
        "Corporate & Bulk Orders": (
            "Inquiry for wedding catering - 500 guests",
            "Corporate event - Chang beer sponsorship",
            "Annual company party order - 200 people",
            "Hotel partnership bulk pricing request",
            "Restaurant chain wholesale contract",
            "Corporate gift customization inquiry",
        ),
        "Food Safety": (),
    },
}

# --------------------------------------------------------------------------------------
# Scenario ("spike") summaries
# --------------------------------------------------------------------------------------

KFC_APP_OUTAGE_SUMMARIES: Final[tuple[str, ...]] = (
    "KFC app crashed during payment - order lost",
    "Cannot complete order - app keeps freezing",
    "Payment failed on KFC app multiple times",
    "App showing error 500 when checkout",
    "KFC delivery app not responding at all",
    "Lost my cart items after app crash",
    "Cannot track my delivery - app error",
    "Order stuck at processing for 30 minutes",
)

OISHI_QUALITY_SUMMARIES: Final[tuple[str, ...]] = (
    "Oishi Green Tea ชามีรสชาติแปลก Lot: {{lot}}",
    "Strange sediment found in Oishi bottle",
    "Oishi Honey Lemon tastes different than usual",
    "Green tea bottle had unusual smell",
    "Oishi bottle cap area had mold",
    "Customer sick after drinking Oishi tea",
    "Multiple bottles from same batch taste off",
    "Color of tea looks abnormal - Lot: {{lot}}",
)

CHANG_PROMO_SUMMARIES: Final[tuple[str, ...]] = (
    "Chang buy 2 get 1 promo not applied",
    "Discount code CHANG50 rejected at checkout",
    "Promotional price not honored at Big C",
    "Chang bundle deal showing wrong price",
    "Promo not working at Tops supermarket",
    "Cashier refused to apply Chang discount",
    "Online promo code expired early",
    "Chang promotion ended without notice",
)

OISHI_PROBLEM_LOT: Final = "2025-01-10"

# --------------------------------------------------------------------------------------
# Alert templates ({{percent}} / {{count}} are substituted by the generator)
# --------------------------------------------------------------------------------------

SPIKE_ALERT_TEMPLATES: Final[tuple[TextTemplate, ...]] = (
    TextTemplate(
        "KFC Delivery App Crash Spike",
        "App crash reports increased by {{percent}}% in the last 4 hours. "
        "Multiple users reporting payment failures and order loss.",
        "KFC Delivery",
        "App & Technical",
    ),
    TextTemplate(
        "Oishi Restaurant Complaints Surge",
        "Customer complaints at Oishi Restaurants up {{percent}}% - "
        "primarily wait time and service issues.",
        "Oishi Restaurants",
        "Restaurant Experience",
    ),
    TextTemplate(
        "Beer & Spirits Delivery Delays",
        "Delivery complaints spiked {{percent}}% following supply chain disruption.",
        "Beer & Spirits",
        "Delivery Problems",
    ),
)

THRESHOLD_ALERT_TEMPLATES: Final[tuple[TextTemplate, ...]] = (
    TextTemplate(
        "High Negative Sentiment - KFC Delivery",
        "Negative sentiment cases exceeded 35% threshold in KFC Delivery channel.",
        "KFC Delivery",
        "Order Issues",
    ),
    TextTemplate(
        "Critical Cases Backlog - Oishi Beverages",
        "Unresolved critical product quality cases exceeded 15 in Oishi Beverages.",
        "Oishi Beverages",
        "Product Quality",
    ),
)

URGENCY_ALERT_TEMPLATES: Final[tuple[TextTemplate, ...]] = (
    TextTemplate(
        "Food Safety Alert - KFC Restaurant",
        "Multiple food safety complaints from single location require immediate investigation.",
        "KFC Restaurants",
        "Food Safety",
    ),
    TextTemplate(
        "VIP Corporate Client Complaint",
        "Major hotel chain partner reporting quality issues with bulk order delivery.",
        "Corporate & Events",
        "Corporate & Bulk Orders",
    ),
)

MISCLASSIFICATION_ALERT_TEMPLATES: Final[tuple[TextTemplate, ...]] = (
    TextTemplate(
        "Review needed: {{count}} potentially misclassified cases in KFC Delivery",
        "Low-severity cases contain food safety indicators that may warrant reclassification. "
        "Keywords: sick, unwell, food poisoning.",
        "KFC Delivery",
        "Food Safety",
    ),
)

# --------------------------------------------------------------------------------------
# Trending topic templates (title = topic)
# --------------------------------------------------------------------------------------

TRENDING_TOPIC_TEMPLATES: Final[tuple[TextTemplate, ...]] = (
    TextTemplate(
        "KFC App Payment Failures",
        "Increasing reports of payment failures and app crashes during checkout",
        "KFC Delivery",
        "App & Technical",
    ),
    TextTemplate(
        "Oishi Green Tea Quality Concerns",
        "Multiple complaints about taste and quality of recent batches",
        "Oishi Beverages",
        "Product Quality",
    ),
    TextTemplate(
        "Chang Promotion Issues",
        "Widespread reports of promotional discounts not being applied",
        "Beer & Spirits",
        "Promotions & Pricing",
    ),
    TextTemplate(
        "KFC Delivery Delays",
        "Customers reporting significantly longer wait times for deliveries",
        "KFC Delivery",
        "Delivery Problems",
    ),
    TextTemplate(
        "Oishi Restaurant Wait Times",
        "Long queues and wait times despite reservations",
        "Oishi Restaurants",
        "Restaurant Experience",
    ),
    TextTemplate(
        "Colonel's Club Points Issues",
        "Members reporting points not being credited correctly",
        "KFC Loyalty",
        "Loyalty & Rewards",
    ),
    TextTemplate(
        "Crystal Water Delivery Service",
        "Corporate customers facing delivery scheduling issues",
        "Non-Alcoholic Beverages",
        "Delivery Problems",
    ),
)

# --------------------------------------------------------------------------------------
# Fixed users
# --------------------------------------------------------------------------------------

ADMIN_USER: Final = ("user-admin-1", "ธนพล ธนะวัฒน์", "thanapol.t@thaibev.com")

# One bu_manager per first six business units, in BUSINESS_UNITS order.
MANAGER_NAMES: Final[tuple[str, ...]] = (
    "สุรศักดิ์ วงศ์ประเสริฐ",
    "พรรณี จันทร์เจริญ",
    "วิชัย พิทักษ์ธรรม",
    "อรุณี สุขสมบูรณ์",
    "ธนกร เจริญกิจ",
    "มาลี ศรีสุข",
)

SUPERVISOR_COUNT: Final = 10

# --------------------------------------------------------------------------------------
# Fixed feed items
# --------------------------------------------------------------------------------------

HIGHLIGHT_TITLE: Final = "Daily Summary: ThaiBev Group"
HIGHLIGHT_CONTENT: Final = (
    "KFC Delivery and Oishi Restaurants showing highest case volumes today. "
    "Chang promotion issues require attention."
)
HIGHLIGHT_TOP_BUS: Final[tuple[str, ...]] = ("KFC Delivery", "Oishi Restaurants", "Beer & Spirits")

UPLOAD_FEED_TITLE: Final = "New Batch Upload Processed"
UPLOAD_FEED_CONTENT: Final = (
    "1,850 cases imported from overnight call recordings across all ThaiBev channels"
)
UPLOAD_FEED_RECORD_COUNT: Final = 1850
UPLOAD_FEED_SOURCE: Final = "call_recordings"
UPLOAD_FEED_PROCESSING_TIME: Final = "52 minutes"
UPLOAD_FEED_CHANNELS: Final[tuple[str, ...]] = (
    "KFC 1150 Hotline",
    "Oishi Customer Service",
    "ThaiBev Corporate",
)

# --------------------------------------------------------------------------------------
# Fixed shares
# --------------------------------------------------------------------------------------

SHARE_MESSAGES: Final[tuple[str, ...]] = (
    "Food safety issue at KFC requires immediate attention from management",
    "FYI - KFC app issues may require IT team involvement",
    "Customer threatening social media exposure - needs immediate callback",
)
